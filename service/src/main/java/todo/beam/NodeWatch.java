package todo.beam;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.NodeRoles;

/** {@link Node#connect}, {@link Node#disconnect} and {@link Node#monitor}: joining nodes, and their comings and goings told to a process. */
final class NodeWatch {

  private static final Logger log = LoggerFactory.getLogger(NodeWatch.class);

  private NodeWatch() {}

  static boolean connect(DistNode dist, String node) {
    try {
      todo.node.NodeName.fromFullName(node, "Node.connect");
    } catch (RuntimeException bad) {
      log.warn("Node.connect(\"{}\") on {}: {}", node, dist.name(), bad.getMessage());
      return false;
    }
    if (node.equals(dist.name()) || dist.peers().otherNodes().contains(node)) return true;
    try {
      if (!dist.connector.apply(node)) return false;
    } catch (RuntimeException e) {
      log.warn("Node.connect(\"{}\") on {}: {}", node, dist.name(), e.getMessage());
      return false;
    }
    return globalNamesVisible(DistNode.ofThisJvm()); // a node that had to restart its member to join is a new DistNode
  }

  /** True once this node's copy of the global names is in step: the "sees the cluster's global names". */
  private static boolean globalNamesVisible(DistNode dist) {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    boolean answered = false;
    while (System.nanoTime() < giveUpAt) {
      if (dist.globalNames().inStep()) return true;
      try {
        if (!answered) dist.ask(dist.global(), (ActorRef<GlobalRegistry.Where> r) -> new GlobalRegistry.Whereis("", r), Duration.ofSeconds(2));
        answered = true; // the registry serves: its snapshot for this node is on its way (asked again each second)
        dist.globalNames().askForSnapshot();
        Thread.sleep(10);
      } catch (DistException notYet) {
        // the registry is starting or moving: ask again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    log.warn("Node {} joined, but the global registry did not answer within 20 s.", dist.name());
    return false;
  }

  static void monitor(DistNode dist, String node) {
    Pid watcher = dist.self();
    boolean up = dist.peers().otherNodes().contains(node) || node.equals(dist.name());
    if (!up) dist.processes().send(watcher, new NodeDown(node));
    dist.system().systemActorOf(watching(dist, node, watcher, up), "monitor-" + java.util.UUID.randomUUID(),
        org.apache.pekko.actor.typed.Props.empty());
  }

  private static Behavior<ClusterEvent.ClusterDomainEvent> watching(DistNode dist, String node, Pid watcher, boolean wasUp) {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.ClusterDomainEvent.class));
      boolean[] up = {wasUp};
      return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
          .onAnyMessage(e -> {
            Member m = memberOf(e);
            if (m == null || !NodeRoles.node(m.getRoles()).filter(node::equals).isPresent()) return Behaviors.same();
            boolean nowUp = e instanceof ClusterEvent.MemberUp || e instanceof ClusterEvent.MemberWeaklyUp
                || e instanceof ClusterEvent.ReachableMember;
            boolean nowDown = e instanceof ClusterEvent.UnreachableMember || e instanceof ClusterEvent.MemberRemoved
                || e instanceof ClusterEvent.MemberDowned || e instanceof ClusterEvent.MemberExited;
            if (nowUp && !up[0]) dist.processes().send(watcher, new NodeUp(node));
            if (nowDown && up[0]) dist.processes().send(watcher, new NodeDown(node));
            if (nowUp || nowDown) up[0] = nowUp;
            return dist.processes().isLocal(watcher) ? Behaviors.same() : Behaviors.stopped(); // the watching process ended
          })
          .build();
    });
  }

  private static Member memberOf(ClusterEvent.ClusterDomainEvent e) {
    if (e instanceof ClusterEvent.MemberEvent me) return me.member();
    if (e instanceof ClusterEvent.ReachabilityEvent re) return re.member();
    return null;
  }

  static boolean disconnect(DistNode dist, String node) {
    if (node.equals(dist.name())) {
      log.warn("Node.disconnect(\"{}\"): a node does not disconnect itself; leave the shell with /exit.", node);
      return false;
    }
    for (Member m : dist.peers().members()) {
      if (NodeRoles.node(m.getRoles()).filter(node::equals).isPresent()) {
        Cluster.get(dist.system()).manager().tell(new Leave(m.address()));
        return true;
      }
    }
    return false;
  }
}
