package todo.shell;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.TodoSystem;
import todo.beam.DistNode;
import todo.node.BadSettings;
import todo.node.ClusterNode;
import todo.node.NodeSettings;

/**
 * The node of {@code todo shell}. Without --http-port it is a bare node: no database, no
 * lists, no HTTP, and a member of no cluster until its first {@code Node.connect} (or its
 * --connect). Starting it unjoined is what lets it join later without a new ActorSystem,
 * so the pids made before connecting (the shell's own {@code self()}) stay valid.
 *
 * <p>With --http-port it is a full to-do node, as {@code iex -S mix} is in the book: it
 * forms a cluster of its own at once, and connecting it later restarts its member
 * (see todo.RuntimeJoin), which ends the processes made before.
 */
public final class ShellNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ShellNode.class);

  private final Runnable stop;

  private ShellNode(Runnable stop) {
    this.stop = stop;
  }

  public static ShellNode start(NodeSettings s, boolean serveHttp) {
    if (serveHttp) return new ShellNode(TodoSystem.start(s)::stop);
    ActorSystem<Void> system = ClusterNode.startUnjoined(s);
    try {
      if (!s.connect().isEmpty()) ClusterNode.join(system, s, s.connect().get(0));
      DistNode.start(system, s.node(), node -> join(system, s, node));
    } catch (RuntimeException e) {
      leave(system);
      throw e;
    }
    log.info("Node {} is up: a shell, {}.", s.node(),
        s.connect().isEmpty() ? "in no cluster until Node.connect" : "in the cluster of " + s.connect().get(0));
    return new ShellNode(() -> leave(system));
  }

  private static boolean join(ActorSystem<?> system, NodeSettings s, String node) {
    Cluster cluster = Cluster.get(system);
    if (cluster.selfMember().status() == MemberStatus.up()) {
      List<String> others = todo.beam.Node.list();
      throw new BadSettings(s.node() + " is already in a cluster with " + String.join(", ", others)
          + "; Pekko clusters cannot merge: start another shell with --connect " + node);
    }
    ClusterNode.join(system, s, node);
    return true;
  }

  /** Leaves the cluster gracefully (or just stops, when it joined none). */
  private static void leave(ActorSystem<?> system) {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  @Override
  public void close() {
    stop.run();
  }
}
