package todo.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.function.Function;
import todo.Stages;

/**
 * The routes that carry the load, answered before the route tree: {@code GET /health} and the
 * book's {@code GET /entries} and {@code POST /add_entry}, found by exact path and method.
 * Pekko's routing DSL costs a request context and a future per request and a closure per
 * directive it passes (docs/BENCHMARKS.md, "Issue 11, part 2"). These answer as the tree
 * would: the same checks first ({@link Input#acceptable}), the same errors
 * ({@link Responses#error}), the same CORS headers ({@link Cors#on}). Every other request goes
 * to the tree. Every answer, here or from the tree, is counted by {@link HttpMeters}: the hot
 * routes' timers are made here, once. Every request but a health check is noted by the
 * {@link Drain}, which closes connections after their answers while the node stops.
 */
final class HotRoutes implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final HttpResponse HEALTHY = Responses.text(StatusCodes.OK, "ok");

  /** A hot route: its handler and its timers. */
  private record Hot(Function<HttpRequest, CompletionStage<HttpResponse>> handler, RouteTimers timers) {}

  // curl http://localhost:5454/health
  private final Hot health;
  // curl 'http://localhost:5454/entries?list=bob&date=2018-12-19'
  private final Hot entries;
  // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist'
  // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist&request=7f3c'  (safe to send again)
  private final Hot addEntry;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> tree;
  private final HttpMeters meters;
  private final Drain drain;
  private final Executor executor;

  /** {@code executor}: where the tree's answers (Pekko's stages) are taken in to be counted. */
  HotRoutes(BookRoutes book, Function<HttpRequest, CompletionStage<HttpResponse>> tree, HttpMeters meters, Drain drain,
            Executor executor) {
    CompletableFuture<HttpResponse> healthy = CompletableFuture.completedFuture(HEALTHY);
    this.health = new Hot(request -> healthy, meters.route("/health").with(HttpMethods.GET, 200));
    this.entries = new Hot(book::entries, meters.route("/entries").with(HttpMethods.GET, 200, 400, 503));
    this.addEntry = new Hot(book::addEntry, meters.route("/add_entry").with(HttpMethods.POST, 200, 400, 503));
    this.tree = tree;
    this.meters = meters;
    this.drain = drain;
    this.executor = executor;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) throws Exception {
    long start = System.nanoTime();
    Hot hot = hot(request);
    if (hot != health && (hot != null || !request.getUri().path().startsWith("/health"))) drain.arrived();
    if (hot == null) {
      return Stages.on(executor, tree.apply(request)).thenApply(r -> drain.answer(meters.servedByTree(request, r, start)));
    }
    CompletionStage<HttpResponse> answer;
    try {
      Input.acceptable(request);
      answer = hot.handler().apply(request);
    } catch (Exception e) {
      return CompletableFuture.completedFuture(drain.answer(meters.served(hot.timers(), request, Cors.on(Responses.error(e)), start)));
    }
    return answer.handle((response, failure) -> drain.answer(
        meters.served(hot.timers(), request, Cors.on(failure == null ? response : Responses.error(failure)), start)));
  }

  /** The hot route {@code request} is for, or null. The path is compared decoded, as the tree's {@code path} matches it. */
  private Hot hot(HttpRequest request) {
    HttpMethod method = request.method();
    return switch (request.getUri().path()) {
      case "/health" -> method.equals(HttpMethods.GET) ? health : null;
      case "/entries" -> method.equals(HttpMethods.GET) ? entries : null;
      case "/add_entry" -> method.equals(HttpMethods.POST) ? addEntry : null;
      default -> null;
    };
  }
}
