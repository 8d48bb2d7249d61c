package todo.web;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.WebSettings;
import todo.server.TodoCache;

/**
 * Every node's HTTP front: the book's routes, the JSON API and the cluster routes, with
 * CORS on every answer and one-line reasons for every error.
 */
public final class WebServer extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  private static final long MAX_BODY = 64 * 1024; // as pekko.http.server.parsing.max-content-length
  /** Files kept for the node besides HTTP connections: jars, SQLite, peers, the port mapper (about 30 measured alone). */
  private static final int OWN_FILES = 512;

  private final BookRoutes book;
  private final JsonRoutes json;
  private final ClusterRoutes cluster;

  private final java.util.function.Supplier<String> metrics;

  private WebServer(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                    java.util.function.Supplier<String> metrics, String node, WebSettings settings) {
    this.metrics = metrics;
    ListServers servers = new ListServers(cache, settings.askTimeout(), settings.askAttempt(), system.executionContext());
    this.book = new BookRoutes(servers);
    this.json = new JsonRoutes(servers, database);
    this.cluster = new ClusterRoutes(system, node, control);
  }

  /**
   * Binds the routes on {@code host:port}; fails when the port is taken. Each connection must
   * send a request head within {@link WebSettings#headerTimeout} ({@link HeaderTimeout}), and the node
   * takes at most pekko.http.server.max-connections at once, fewer if the open-file limit
   * would not leave the node files of its own.
   */
  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                                                   java.util.function.Supplier<String> metrics, String node, String host, int port,
                                                   WebSettings settings) {
    Flow<HttpRequest, HttpResponse, NotUsed> routes =
        new WebServer(system, cache, database, control, metrics, node, settings).route().flow(system);
    return Http.get(system).newServerAt(host, port)
        .adaptSettings(s -> s.withMaxConnections(maxConnections(s.getMaxConnections())))
        .bindFlow(HeaderTimeout.of(settings.headerTimeout()).join(routes));
  }

  /**
   * Every connection is an open file. Past the process's limit the node could open neither
   * its SQLite files nor a connection to another node, so HTTP takes only what leaves
   * {@link #OWN_FILES} free. (On Linux the JVM raises its soft limit to the hard one at start,
   * so the hard limit is the one that counts.)
   */
  private static int maxConnections(int configured) {
    if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) return configured;
    long limit = os.getMaxFileDescriptorCount();
    if (limit - OWN_FILES >= configured) return configured;
    int fitting = (int) Math.max(limit / 2, limit - OWN_FILES);
    log.warn("The open-file limit is {} (ulimit -Hn): HTTP takes at most {} connections at once instead of {}"
        + " (pekko.http.server.max-connections). Raise the limit to serve more (LimitNOFILE= under systemd).",
        limit, fitting, configured);
    return fitting;
  }

  Route route() {
    return respondWithDefaultHeaders(Cors.HEADERS, () -> handleExceptions(errors(), () -> strictPath(() -> boundedBody(() -> concat(
        options(() -> complete(StatusCodes.NO_CONTENT)), // CORS preflight
        book.route(),
        json.route(),
        cluster.route(),
        // curl http://localhost:5454/metrics  (Prometheus text format)
        path("metrics", () -> get(() -> complete(Responses.text(StatusCodes.OK, metrics.get())))),
        complete(StatusCodes.NOT_FOUND, "not found"))))));
  }

  /**
   * Refuses a path whose percent-encoding is not UTF-8. Pekko decodes paths leniently
   * (bad bytes become U+FFFD), which would quietly rename a list; the raw request line
   * (pekko.http.server.raw-request-uri-header) still has the bytes the client sent.
   */
  private Route strictPath(java.util.function.Supplier<Route> inner) {
    return optionalHeaderValueByName("Raw-Request-URI", raw -> {
      raw.ifPresent(uri -> {
        int end = uri.indexOf('?');
        Input.decode((end < 0 ? uri : uri.substring(0, end)).replace("+", "%2B"));
      });
      return inner.get();
    });
  }

  /**
   * Refuses a declared body over the limit on every route, including the book's, which
   * never read theirs. (Bodies the JSON routes read are also limited while streaming.)
   */
  private Route boundedBody(java.util.function.Supplier<Route> inner) {
    return extractRequestEntity(entity -> {
      if (entity.getContentLengthOption().orElse(0L) > MAX_BODY) throw new BadRequest("the body is over 64 KiB");
      return inner.get();
    });
  }

  private ExceptionHandler errors() {
    return ExceptionHandler.newBuilder()
        .match(BadRequest.class, e -> complete(Responses.badRequest(e.getMessage())))
        .match(EntityStreamSizeException.class, e -> complete(Responses.badRequest("the body is over 64 KiB")))
        .matchAny(e -> {
          log.error("Request failed: {}", e.toString());
          return complete(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
        })
        .build();
  }
}
