package todo.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.function.Function;

/**
 * The routes that carry the load, answered before the route tree: {@code GET /health} and the
 * book's {@code GET /entries} and {@code POST /add_entry}, found by exact path and method.
 * Pekko's routing DSL costs a request context and a future per request and a closure per
 * directive it passes (docs/BENCHMARKS.md, "Issue 11, part 2"). These answer as the tree
 * would: the same checks first ({@link Input#acceptable}), the same errors
 * ({@link Responses#error}), the same CORS headers ({@link Cors#on}). Every other request goes
 * to the tree.
 */
final class HotRoutes implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final CompletableFuture<HttpResponse> HEALTHY = CompletableFuture.completedFuture(Responses.text(StatusCodes.OK, "ok"));

  // curl http://localhost:5454/health
  private final Function<HttpRequest, CompletionStage<HttpResponse>> health = request -> HEALTHY;
  // curl 'http://localhost:5454/entries?list=bob&date=2018-12-19'
  private final Function<HttpRequest, CompletionStage<HttpResponse>> entries;
  // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist'
  // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist&request=7f3c'  (safe to send again)
  private final Function<HttpRequest, CompletionStage<HttpResponse>> addEntry;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> tree;

  HotRoutes(BookRoutes book, Function<HttpRequest, CompletionStage<HttpResponse>> tree) {
    this.entries = book::entries;
    this.addEntry = book::addEntry;
    this.tree = tree;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) throws Exception {
    Function<HttpRequest, CompletionStage<HttpResponse>> hot = hot(request);
    if (hot == null) return tree.apply(request);
    CompletionStage<HttpResponse> answer;
    try {
      Input.acceptable(request);
      answer = hot.apply(request);
    } catch (Exception e) {
      return CompletableFuture.completedFuture(Cors.on(Responses.error(e)));
    }
    return answer.handle((response, failure) -> Cors.on(failure == null ? response : Responses.error(failure)));
  }

  /** The handler of a hot route, or null. The path is compared decoded, as the tree's {@code path} matches it. */
  private Function<HttpRequest, CompletionStage<HttpResponse>> hot(HttpRequest request) {
    HttpMethod method = request.method();
    return switch (request.getUri().path()) {
      case "/health" -> method.equals(HttpMethods.GET) ? health : null;
      case "/entries" -> method.equals(HttpMethods.GET) ? entries : null;
      case "/add_entry" -> method.equals(HttpMethods.POST) ? addEntry : null;
      default -> null;
    };
  }
}
