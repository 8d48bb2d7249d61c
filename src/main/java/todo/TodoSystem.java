package todo;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.db.Database;
import todo.db.StoreException;
import todo.node.BadSettings;
import todo.node.ClusterNode;
import todo.node.NodeSettings;
import todo.server.TodoCache;
import todo.server.TodoServer;
import todo.web.WebServer;

/**
 * One node, wired as the book's {@code Todo.System}: the cluster member, the database, the
 * list servers (sharded), the cache that finds them, and the web server, in that order.
 */
public final class TodoSystem {

  private static final Logger log = LoggerFactory.getLogger(TodoSystem.class);

  private final NodeSettings settings;
  private final ActorSystem<Void> system;
  private final Database database;
  private final TodoCache cache;
  private final ServerBinding http;

  private TodoSystem(NodeSettings settings, ActorSystem<Void> system, Database database, TodoCache cache, ServerBinding http) {
    this.settings = settings;
    this.system = system;
    this.database = database;
    this.cache = cache;
    this.http = http;
  }

  /**
   * Starts a node and returns once it serves HTTP. Throws {@link BadSettings} when the HTTP
   * port or the node name is taken, {@code CannotStart} when it cannot join the nodes it
   * should connect to, and {@link StoreException} when the database cannot be opened.
   */
  public static TodoSystem start(NodeSettings settings) {
    checkPortIsFree(settings); // before anything is started or written
    ActorSystem<Void> system = ClusterNode.start(settings);
    try {
      Database database = Database.open(system, settings.node(), settings.dbFolder());
      TodoServer.init(system, database, settings.node());
      TodoCache cache = new TodoCache(system);
      ServerBinding http = bindHttp(system, cache, settings);
      http.addToCoordinatedShutdown(java.time.Duration.ofSeconds(5), system);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "log-leaving", () -> {
        log.info("Node {} is leaving: handing its lists over and closing its store.", settings.node());
        return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
      });
      log.info("Node {} is up: HTTP on {}, data in {}, cluster of {}.", settings.node(), settings.httpUrl(),
          database.file(), Cluster.get(system).state().members().size());
      return new TodoSystem(settings, system, database, cache, http);
    } catch (RuntimeException e) {
      system.terminate();
      awaitQuietly(system.getWhenTerminated());
      throw e;
    }
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

  private static ServerBinding bindHttp(ActorSystem<?> system, TodoCache cache, NodeSettings s) {
    try {
      return WebServer.bind(system, cache, s.node(), s.httpHost(), s.httpPort())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw portTaken(s);
    } catch (InterruptedException | TimeoutException e) {
      throw new BadSettings("HTTP did not start on port " + s.httpPort() + ": " + e);
    }
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> actorSystem() {
    return system;
  }

  public Database database() {
    return database;
  }

  public TodoCache cache() {
    return cache;
  }

  /** The port HTTP is bound to. */
  public int httpPort() {
    return http.localAddress().getPort();
  }

  /** Leaves gracefully (CoordinatedShutdown: HTTP unbinds, shards hand over, the store closes). */
  public void stop() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    awaitQuietly(system.getWhenTerminated());
  }

  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  private static void awaitQuietly(CompletionStage<Done> stage) {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // shutting down anyway
    }
  }
}
