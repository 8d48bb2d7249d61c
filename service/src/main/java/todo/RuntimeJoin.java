package todo;

import java.util.List;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.BadSettings;
import todo.node.ClusterNode;
import todo.node.Members;
import todo.node.NodeName;

/**
 * Joining another node's cluster while running, as {@code Node.connect} does in the shell
 * and {@code POST /api/cluster/connect} over HTTP. A Pekko cluster member can never join
 * another cluster, so a node that runs alone starts its member again (a new ActorSystem)
 * joining the other node; its folder, name and HTTP port stay.
 */
final class RuntimeJoin {

  private static final Logger log = LoggerFactory.getLogger(RuntimeJoin.class);

  /** What {@link #check} found connecting takes. */
  enum Connection { ALREADY_CONNECTED, MUST_RESTART }

  private final TodoSystem node;
  private volatile boolean restarting;

  RuntimeJoin(TodoSystem node) {
    this.node = node;
  }

  /** True while the member stops in order to start again joined: the node itself goes on. */
  boolean restarting() {
    return restarting;
  }

  /**
   * Checks that this node can connect to {@code other}'s cluster. A node alone joins by
   * starting its member again ({@link #restartJoining}); a node already in a cluster with
   * others cannot join a second one (clusters do not merge), and a node alone that holds
   * lists of its own is refused too, so that two histories of one list can never meet.
   *
   * @throws BadSettings with the reason, when the node cannot connect
   */
  synchronized Connection check(String other) {
    NodeName.fromFullName(other, "node");
    String self = node.settings().node();
    List<String> members = Members.upNodes(Cluster.get(node.actorSystem()));
    if (other.equals(self) || members.contains(other)) return Connection.ALREADY_CONNECTED;
    List<String> others = members.stream().filter(n -> !n.equals(self)).toList();
    if (!others.isEmpty()) {
      throw new BadSettings(self + " is already in a cluster with " + String.join(", ", others)
          + "; Pekko clusters cannot merge: stop one side and start it with --connect " + other);
    }
    long lists = node.database().listCount().toCompletableFuture().join();
    if (lists > 0) {
      throw new BadSettings(self + " holds " + lists + (lists == 1 ? " list" : " lists") + " of its own; joining " + other
          + " could mix two histories of a list: start it on an empty --db-folder with --connect " + other);
    }
    ClusterNode.addressesOf(List.of(other), node.settings().epmdPort()); // is it there at all? (throws CannotStart)
    return Connection.MUST_RESTART;
  }

  /** Connects to {@code other} ({@code Node.connect}): true once this node is a member of its cluster. */
  synchronized boolean connect(String other) {
    return check(other) == Connection.ALREADY_CONNECTED || restartJoining(other);
  }

  /** For the HTTP route: connects in the background when the member must restart. */
  Connection connectInBackground(String other) {
    Connection c = check(other);
    if (c == Connection.MUST_RESTART) {
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(300); // let the answer to this request go out before HTTP stops
          restartJoining(other);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          // logged by restartJoining
        }
      }, "connect-" + other);
      t.start();
    }
    return c;
  }

  /** Starts this node's member again, joined to {@code other}; on failure it runs alone again. */
  private synchronized boolean restartJoining(String other) {
    String self = node.settings().node();
    log.info("Node {} connects to {}: starting its cluster member again to join.", self, other);
    restarting = true;
    try {
      node.stopMember();
      try {
        node.startMember(node.settings().connectingTo(List.of(other)));
        return true;
      } catch (RuntimeException e) {
        log.warn("Node {} could not join {}: {} It runs alone again.", self, other, e.getMessage());
        node.startMember(node.settings().connectingTo(List.of()));
        throw new BadSettings("could not connect to " + other + ": " + e.getMessage());
      }
    } finally {
      restarting = false;
    }
  }
}
