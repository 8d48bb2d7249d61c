package todo.beam;

import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import todo.node.Members;
import todo.node.NodeRoles;

/** The nodes one node is connected to: the cluster's members that are up, by name, and each one's {@link NodeAgent}. */
final class Peers {

  private final String self;
  private final Cluster cluster;
  private final ActorRefResolver resolver;
  private final ActorRef<NodeAgent.Command> ownAgent;

  Peers(ActorSystem<?> system, String self, ActorRef<NodeAgent.Command> ownAgent) {
    this.self = self;
    this.cluster = Cluster.get(system);
    this.resolver = ActorRefResolver.get(system);
    this.ownAgent = ownAgent;
  }

  /** Members that are up ({@link Members}), this node included. */
  List<Member> members() {
    return Members.up(cluster);
  }

  /** The other nodes that are up, by name, sorted. */
  List<String> otherNodes() {
    return Members.upNodes(cluster).stream().filter(n -> !n.equals(self)).sorted().toList();
  }

  /** True once this node is an Up member of a cluster (a shell is not, until its first connect). */
  boolean isMember() {
    return cluster.selfMember().status() == MemberStatus.up();
  }

  /** The name of the node at {@code address}, else the address itself. */
  String nodeAt(Address address) {
    return members().stream().filter(m -> m.address().equals(address)).findFirst()
        .flatMap(m -> NodeRoles.node(m.getRoles())).orElse(address.toString());
  }

  /** The agent of {@code node}; a clear error when no such node is connected. */
  ActorRef<NodeAgent.Command> agentOf(String node) {
    if (node == null) throw new DistException("no node given");
    if (node.equals(self)) return ownAgent;
    for (Member m : members()) {
      if (NodeRoles.node(m.getRoles()).filter(node::equals).isPresent()) {
        return resolver.resolveActorRef(m.address() + "/system/" + NodeAgent.NAME);
      }
    }
    List<String> others = otherNodes();
    throw new DistException("no node " + node + " is connected to " + self + " ("
        + (others.isEmpty() ? "it is connected to none: Node.connect(\"" + node + "\") first" : "connected: " + others) + ")");
  }
}
