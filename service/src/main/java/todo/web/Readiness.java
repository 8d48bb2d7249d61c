package todo.web;

import java.util.List;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import todo.db.Database;
import todo.db.ReplicaSet;
import todo.node.MemberStates;
import todo.node.Members;

/**
 * Whether this node should get clients' requests ({@code GET /health/ready}): it serves HTTP
 * (it is not stopping: a stopping node says so at once and serves on a while, {@link Drain}), it is an Up member of its cluster, its store
 * takes writes, and a majority of its replica set is reachable, so that its writes can be
 * acknowledged. Liveness is another matter ({@code /health/alive}): a node that is not ready
 * may well be alive, waiting for its peers.
 */
final class Readiness {

  private final ActorSystem<?> system;
  private final Database database;
  private final String self;

  Readiness(ActorSystem<?> system, Database database, String self) {
    this.system = system;
    this.database = database;
    this.self = self;
  }

  /** Null when the node is ready; otherwise why not, in one line. */
  String notReady() {
    if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
      return "not ready: " + self + " is stopping (HTTP drains, then unbinds)";
    }
    Member me = Cluster.get(system).selfMember();
    if (!Members.isUp(me)) {
      return "not ready: " + self + " is " + MemberStates.status(me.status()) + " in the cluster, not up yet";
    }
    String store = database.storeProblem();
    if (store != null) return "not ready: " + store;
    ReplicaSet.View view = database.replicaSet().view();
    if (!view.config().known()) return "not ready: " + self + " knows no replica set yet (it learns one as it joins)";
    List<String> away = view.nodes().values().stream().filter(n -> !n.reachable()).map(ReplicaSet.ReplicaNode::name).toList();
    int majority = view.config().majority();
    if (view.nodes().size() - away.size() < majority) {
      return "not ready: " + away.size() + " of " + view.nodes().size() + " replicas unreachable (" + String.join(", ", away)
          + "); a majority is " + majority;
    }
    return null;
  }
}
