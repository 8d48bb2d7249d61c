package todo.web;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.AdminCredential;
import todo.node.WebSettings;
import todo.server.TodoCache;

/**
 * Every node's HTTP front: the book's routes, the JSON API, the cluster routes and the
 * backup, with CORS on every answer and one-line reasons for every error. The routes that
 * change the cluster or read all of it answer only with the admin credential ({@link AdminGate}).
 */
public final class WebServer extends Routes {

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Files kept for the node besides HTTP connections: jars, SQLite, peers, the port mapper (about 30 measured alone). */
  private static final int OWN_FILES = 512;

  private final BookRoutes book;
  private final JsonRoutes json;
  private final ClusterRoutes cluster;
  private final BackupRoutes backup;
  private final OpenApi openApi = new OpenApi();
  private final ListsRoutes lists;
  private final PageRoutes page;

  private final PrometheusMeterRegistry metrics;
  private final Readiness readiness;

  private WebServer(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                    AdminCredential admin, PrometheusMeterRegistry metrics, String node, WebSettings settings) {
    this.metrics = metrics;
    this.readiness = new Readiness(system, database, node);
    ListServers servers = new ListServers(cache, settings.askTimeout(), settings.askAttempt(), system.executionContext());
    this.book = new BookRoutes(servers);
    this.json = new JsonRoutes(servers, database, Materializer.matFromSystem(system));
    AdminGate gate = new AdminGate(admin);
    this.cluster = new ClusterRoutes(system, node, control, gate);
    this.backup = new BackupRoutes(database, node, gate, system.executionContext());
    this.lists = new ListsRoutes(database, system.executionContext());
    this.page = new PageRoutes();
  }

  /**
   * Binds the routes on {@code host:port}; fails when the port is taken. When the node stops,
   * HTTP first drains ({@link Drain}); the caller adds the binding's unbind to the shutdown. Each connection must
   * send a request head within {@link WebSettings#headerTimeout} ({@link HeaderTimeout}), and the node
   * takes at most pekko.http.server.max-connections at once, fewer if the open-file limit
   * would not leave the node files of its own.
   */
  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, TodoCache cache, todo.db.Database database, ClusterControl control,
                                                   AdminCredential admin, PrometheusMeterRegistry metrics, String node, String host,
                                                   int port, WebSettings settings) {
    WebServer web = new WebServer(system, cache, database, control, admin, metrics, node, settings);
    HttpMeters meters = new HttpMeters(metrics, settings.accessLog());
    Drain drain = new Drain();
    drain.addToCoordinatedShutdown(system, node, settings.drainQuiet(), settings.drainMax());
    HotRoutes hot = new HotRoutes(web.book, web.route().handler(system), meters, drain, system.executionContext());
    Flow<HttpRequest, HttpResponse, NotUsed> routes = Flow.of(HttpRequest.class).mapAsync(1, hot);
    return Http.get(system).newServerAt(host, port)
        .adaptSettings(s -> s.withMaxConnections(maxConnections(s.getMaxConnections()))
            .withRemoteAddressAttribute(settings.accessLog())) // the access log's client address
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

  /**
   * The route tree, built here once: per request the DSL only matches and calls a handler
   * ({@link Routes}). The routes that carry the load are answered before it ({@link HotRoutes}).
   * The CORS preflight comes before the JSON routes, whose catch-alls answer 405.
   */
  Route route() {
    Route preflight = complete(StatusCodes.NO_CONTENT);
    // curl http://localhost:5454/metrics  (Prometheus text format)
    Route prometheus = template("/metrics", answerNow(HttpMethods.GET, request -> Responses.text(StatusCodes.OK, metrics.scrape())));
    // curl http://localhost:5454/health/alive  (the process answers: for a liveness probe)
    Route alive = template("/health/alive", answerNow(HttpMethods.GET, request -> Responses.text(StatusCodes.OK, "ok")));
    // curl http://localhost:5454/health/ready  (200 ready, or 503 and why not: for a load balancer)
    Route ready = template("/health/ready", answerNow(HttpMethods.GET, request -> {
      String why = readiness.notReady();
      return why == null ? Responses.text(StatusCodes.OK, "ready") : Responses.unavailable(why);
    }));
    Route tree = concat(
        options(() -> preflight),
        json.route(),
        lists.route(),
        cluster.route(),
        backup.route(),
        openApi.route(),
        page.route(),
        path("metrics", () -> prometheus),
        path(PathMatchers.segment("health").slash("alive"), () -> alive),
        path(PathMatchers.segment("health").slash("ready"), () -> ready),
        complete(StatusCodes.NOT_FOUND, "not found"));
    Route checked = extractRequest(request -> {
      Input.acceptable(request);
      return tree;
    });
    ExceptionHandler errors = ExceptionHandler.newBuilder().matchAny(e -> complete(Responses.error(e))).build();
    Route answered = handleExceptions(errors, () -> checked);
    return respondWithDefaultHeaders(Cors.HEADERS, () -> answered);
  }
}
