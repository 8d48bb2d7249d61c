package todo.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Each node this one has seen in its cluster, with its state now, for people watching the
 * cluster (the page's panel, {@code GET /api/cluster}). Pekko's own view forgets a member once
 * it is removed, and a node killed with SIGKILL is proven dead, downed and removed within a
 * second or two; so the removed ones are remembered here, by name.
 *
 * <p>A state is one of {@code joining}, {@code up}, {@code leaving}, {@code exiting},
 * {@code down}, {@code removed}, {@code unreachable}. A member some node cannot reach is
 * {@code unreachable}, whatever its status. A node removed after being downed (it crashed, or
 * was cut off) that is still in the replica set is {@code unreachable} too: the cluster counts
 * it as a replica that does not answer, until it comes back or is forgotten. A node that left
 * gracefully, or was forgotten, is {@code removed}.
 */
public final class MemberStates {

  /** A node by name, its HTTP address (null when it serves none, as a {@code todo shell}), its state. */
  public record State(String node, String http, String status) {}

  /** A removed member: where it served HTTP, and whether it was downed rather than leaving gracefully. */
  private record Gone(String http, boolean downed) {}

  private final Cluster cluster;
  private final Map<String, Gone> gone = new ConcurrentHashMap<>();

  private MemberStates(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Starts remembering the members that {@code system}'s cluster removes. */
  public static MemberStates start(ActorSystem<?> system) {
    MemberStates states = new MemberStates(Cluster.get(system));
    system.systemActorOf(states.removals(), "member-states", Props.empty());
    return states;
  }

  private Behavior<ClusterEvent.MemberRemoved> removals() {
    return Behaviors.setup(ctx -> {
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
      return Behaviors.receiveMessage(removed -> {
        Member m = removed.member();
        gone.put(ClusterLog.name(m), new Gone(NodeRoles.http(m.getRoles()).orElse(null), removed.previousStatus() == MemberStatus.down()));
        return Behaviors.same();
      });
    });
  }

  /**
   * Every member of the cluster now and every node removed since this one started (those not
   * back), in node-name order; {@code replicaSet}: the nodes of the agreed replica set.
   */
  public List<State> now(Set<String> replicaSet) {
    var state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    List<State> states = new ArrayList<>();
    Set<String> members = new HashSet<>();
    for (Member m : state.getMembers()) {
      String node = ClusterLog.name(m);
      members.add(node);
      String status = status(m, unreachable);
      states.add(new State(node, NodeRoles.http(m.getRoles()).orElse(null), status));
    }
    gone.forEach((node, g) -> {
      if (members.contains(node)) return; // it came back
      states.add(new State(node, g.http(), g.downed() && replicaSet.contains(node) ? "unreachable" : "removed"));
    });
    states.sort(Comparator.comparing(State::node));
    return states;
  }

  /** How the page and the metrics name {@code m}'s state: {@code unreachable} when some node cannot reach it. */
  public static String status(Member m, Set<Member> unreachable) {
    return unreachable.contains(m) ? "unreachable" : status(m.status());
  }

  /** How the page, the metrics and readiness name a member status. */
  public static String status(MemberStatus s) {
    if (s == MemberStatus.joining()) return "joining";
    if (s == MemberStatus.up() || s == MemberStatus.weaklyUp()) return "up";
    if (s == MemberStatus.exiting()) return "exiting";
    if (s == MemberStatus.down()) return "down";
    if (s == MemberStatus.removed()) return "removed";
    return "leaving"; // Leaving, and the two states of a cluster preparing to shut down
  }
}
