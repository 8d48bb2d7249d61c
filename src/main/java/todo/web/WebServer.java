package todo.web;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.server.TodoCache;

/**
 * Every node's HTTP front: the book's routes, the JSON API and the cluster routes, with
 * CORS on every answer and one-line reasons for every error.
 */
public final class WebServer extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  private static final long MAX_BODY = 64 * 1024; // as pekko.http.server.parsing.max-content-length

  private final BookRoutes book;
  private final JsonRoutes json;
  private final ClusterRoutes cluster;

  private final java.util.function.Supplier<String> metrics;

  private WebServer(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                    java.util.function.Supplier<String> metrics, String node) {
    this.metrics = metrics;
    Duration timeout = system.settings().config().getDuration("todo.ask-timeout");
    ListServers servers = new ListServers(cache, timeout,
        system.settings().config().getDuration("todo.ask-attempt"), system.executionContext());
    this.book = new BookRoutes(servers);
    this.json = new JsonRoutes(servers, database);
    this.cluster = new ClusterRoutes(system, node, control);
  }

  /** Binds the routes on {@code host:port}; fails when the port is taken. */
  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                                                   java.util.function.Supplier<String> metrics, String node, String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(new WebServer(system, cache, database, control, metrics, node).route());
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
