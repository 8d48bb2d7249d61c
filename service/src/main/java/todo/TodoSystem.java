package todo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.db.Database;
import todo.db.DatabaseSettings;
import todo.store.Store;
import todo.store.StoreException;
import todo.node.AdminCredential;
import todo.node.BadSettings;
import todo.node.CannotStart;
import todo.node.ClusterNode;
import todo.node.NodeSettings;
import todo.server.TodoCache;
import todo.server.TodoServer;
import todo.web.ClusterControl;
import todo.web.WebServer;

/**
 * One node, wired as the book's {@code Todo.System}: the cluster member, the database, the
 * list servers (sharded), the cache that finds them, and the web server, in that order.
 *
 * <p>A node that joins another's cluster while running starts its member again
 * ({@link RuntimeJoin}); the ActorSystem of the moment is one {@link Incarnation}.
 */
public final class TodoSystem {

  private static final Logger log = LoggerFactory.getLogger(TodoSystem.class);

  /** What runs while the node has one ActorSystem. */
  private record Incarnation(ActorSystem<Void> system, Database database, TodoCache cache, ServerBinding http) {}

  /** The to-do node of this JVM, for the shell's {@code Todo} (as {@code DistNode}'s: one node per JVM, as the BEAM has). */
  private static volatile TodoSystem ofThisJvm;

  private final NodeSettings settings;
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RuntimeJoin joins = new RuntimeJoin(this);
  /** The book's Todo.Metrics line, across members: it counts requests since its last line. */
  private final MetricsLog metricsLog = new MetricsLog(metrics, () -> cache().serversRunning());
  private volatile Incarnation now;

  private TodoSystem(NodeSettings settings) {
    this.settings = settings;
  }

  /**
   * Starts a node and returns once it serves HTTP. Throws {@link BadSettings} when the HTTP
   * port or the node name is taken, {@link CannotStart} when it cannot join the nodes it
   * should connect to, and {@link StoreException} when the database cannot be opened.
   */
  public static TodoSystem start(NodeSettings settings) {
    checkPortIsFree(settings); // before anything is started or written
    TodoSystem node = new TodoSystem(settings);
    node.become(node.boot(settings));
    NodeMeters meters = NodeMeters.bind(node.metrics, node, BuildInfo.ofThisBuild());
    node.stopped.thenRun(meters::close);
    ofThisJvm = node;
    node.stopped.thenRun(() -> {
      if (ofThisJvm == node) ofThisJvm = null;
    });
    return node;
  }

  /** The to-do node running in this JVM (the latest started, until it stops), if any: a bare shell has none. */
  public static java.util.Optional<TodoSystem> ofThisJvm() {
    return java.util.Optional.ofNullable(ofThisJvm);
  }

  private Incarnation boot(NodeSettings s) {
    ActorSystem<Void> system = ClusterNode.start(s);
    try {
      MetricsLog.Settings logged = MetricsLog.Settings.from(system.settings().config().getConfig("todo"));
      Database database = Database.open(system, s.node(), s.dbFolder(), DatabaseSettings.from(system.settings().config()), metrics);
      TodoCache cache = new TodoCache(system, s.serverExpiry());
      TodoServer.init(system, database, s.node(), cache);
      todo.beam.DistNode.start(system, s.node(), joins::connect); // the chapter's primitives (todo shell drives them)
      todo.control.NodeControl.start(system, s.node()); // todo ping, stop, nodes, rpc, shell --remsh
      ServerBinding http = bindHttp(system, cache, database, s);
      // in flight as HTTP unbinds: each request gets its ask's answer or time-out, not pekko-http's bare 503
      http.addToCoordinatedShutdown(s.web().askTimeout().plusSeconds(2), system);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "log-leaving", () -> {
        if (downed(system)) {
          log.warn("Node {} was downed by the cluster (unreachable from the majority, or on the minority side "
              + "of a partition): it stops. Start it again to rejoin.", s.node());
        } else {
          log.info(joins.restarting() ? "Node {} leaves its cluster of one, to join another."
              : "Node {} is leaving: handing its lists over and closing its store.", s.node());
        }
        return CompletableFuture.completedFuture(Done.getInstance());
      });
      // A graceful leave is a change of the replica set that a majority must accept; a node
      // that cannot get one (the others are stopping too) stays in the set, counted as down.
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "leave-replica-set", () -> {
        if (downed(system) || joins.restarting() || !database.replicaSet().config().contains(s.node())) {
          return CompletableFuture.completedFuture(Done.getInstance());
        }
        return database.replicaSet().leave().toCompletableFuture()
            .completeOnTimeout("no majority answered in time", 4, TimeUnit.SECONDS)
            .thenApply(outcome -> {
              if (outcome.equals("done") && database.replicaSet().config().nodes().equals(List.of(s.node()))) {
                log.info("Node {} stays in the replica set {}: it is its only node.", s.node(), database.replicaSet().config());
              } else if (outcome.equals("done")) {
                log.info("Node {} left the replica set, now {}.", s.node(), database.replicaSet().config());
              } else {
                log.info("Node {} stays in the replica set {}: {}. The others count it as down until it returns "
                    + "(or is forgotten).", s.node(), database.replicaSet().config(), outcome);
              }
              return Done.getInstance();
            });
      });
      log.info("Node {} is up: HTTP on {}, data in {} (schema {}), protocol {}, cluster of {}.", s.node(), s.httpUrl(),
          database.file(), Store.SCHEMA_VERSION, s.cluster().protocol(), Cluster.get(system).state().members().size());
      metricsLog.start(system, logged.logInterval());
      return new Incarnation(system, database, cache, http);
    } catch (RuntimeException e) {
      system.terminate();
      awaitQuietly(system.getWhenTerminated(), 12);
      throw e;
    }
  }

  private void become(Incarnation next) {
    now = next;
    next.system().getWhenTerminated().thenRun(() -> {
      if (now == next && !joins.restarting()) stopped.complete(Done.getInstance()); // stopped for good, not replaced
    });
    // Its store is closed by the time the actor system terminates. Should termination hang
    // (an Artery TLS stream caught mid-handshake, akka/akka-core#29162), a downed node must
    // still exit so that its supervisor restarts it: count it stopped 15 s after that point.
    CoordinatedShutdown.get(next.system()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "stop-waiting-for-termination", () -> {
          CompletableFuture.delayedExecutor(15, TimeUnit.SECONDS).execute(() -> {
            if (now == next && !joins.restarting()) stopped.complete(Done.getInstance());
          });
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /** Stops the member of the moment ({@link RuntimeJoin}); the node goes on. */
  void stopMember() {
    stopQuietly(now);
  }

  /** Starts a member with {@code s} and makes it the one of the moment ({@link RuntimeJoin}). */
  void startMember(NodeSettings s) {
    become(boot(s));
  }

  private ClusterControl operatorControl() {
    return new ClusterControl() {
      @Override
      public boolean connect(String node) {
        return joins.connectInBackground(node) == RuntimeJoin.Connection.ALREADY_CONNECTED;
      }

      @Override
      public CompletionStage<String> forget(List<String> nodes) {
        return now.database().replicaSet().forget(nodes);
      }

      @Override
      public todo.store.Configuration replicaSet() {
        return now.database().replicaSet().config();
      }
    };
  }

  private static void checkPortIsFree(NodeSettings s) {
    try (var probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(s.httpHost(), s.httpPort()));
    } catch (java.io.IOException e) {
      throw portTaken(s);
    }
  }

  private static BadSettings portTaken(NodeSettings s) {
    return new BadSettings("cannot serve HTTP on " + s.httpHost() + ":" + s.httpPort()
        + " (is the port in use? choose another with --http-port or TODO_HTTP_PORT)");
  }

  private ServerBinding bindHttp(ActorSystem<?> system, TodoCache cache, Database database, NodeSettings s) {
    try {
      return WebServer.bind(system, cache, database, operatorControl(), AdminCredential.expecting(s.cookie()), metrics, s.node(),
              s.httpHost(), s.httpPort(), s.web())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw portTaken(s);
    } catch (InterruptedException | TimeoutException e) {
      throw new BadSettings("HTTP did not start on port " + s.httpPort() + ": " + e);
    }
  }

  /** The node's meters, as {@code GET /metrics} shows them. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> actorSystem() {
    return now.system();
  }

  public Database database() {
    return now.database();
  }

  public TodoCache cache() {
    return now.cache();
  }

  /** The port HTTP is bound to. */
  public int httpPort() {
    return now.http().localAddress().getPort();
  }

  /** Leaves gracefully (CoordinatedShutdown: HTTP drains and unbinds, shards hand over, the store closes). */
  public void stop() {
    stopQuietly(now);
    stopped.complete(Done.getInstance());
  }

  private static void stopQuietly(Incarnation incarnation) {
    // Every phase has its own time-out (the last, actor-system-terminate, 10 s). A TLS stream
    // of Artery's caught mid-handshake can keep the actor system from terminating beyond that
    // (akka/akka-core#29162); the node has left and closed its store by then, so stop waiting.
    awaitQuietly(CoordinatedShutdown.get(incarnation.system()).runAll(CoordinatedShutdown.unknownReason()), 60);
    awaitQuietly(incarnation.system().getWhenTerminated(), 2);
  }

  /** True when the cluster removed this node (the Split Brain Resolver downed it), rather than it leaving. */
  public boolean wasDowned() {
    return downed(now.system());
  }

  private static boolean downed(ActorSystem<?> system) {
    return CoordinatedShutdown.get(system).getShutdownReason()
        .filter(r -> r.equals(CoordinatedShutdown.clusterDowningReason())).isPresent();
  }

  /** Completes when the node has stopped for good (not when it restarts its member to connect). */
  public CompletionStage<Done> whenTerminated() {
    return stopped;
  }

  private static void awaitQuietly(CompletionStage<Done> stage, int seconds) {
    try {
      stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // shutting down anyway
    }
  }
}
