package todo.web;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;

/**
 * Pekko's Java routing DSL, used so that the route tree is built once, when the node binds.
 * The DSL calls the {@code Supplier} or {@code Function} given to a directive on every request
 * it matches, so a directive written inside that lambda ({@code path("x", () -> get(() -> ...))})
 * is built again per request: here every lambda returns a route built beforehand, and what a
 * request needs (the list, the query) its handler reads from the request itself.
 */
abstract class Routes extends AllDirectives {

  /** Answers requests of {@code method} with {@code handler}; the route is built once. */
  final Route answer(HttpMethod method, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    Route handled = handle(handler);
    return method(method, () -> handled);
  }

  /**
   * {@code route}, with each of its answers tagged with {@code template} (as
   * {@code /api/lists/{list}/entries}), the {@code uri} of the HTTP timer ({@link HttpMeters}):
   * wrap every route of the tree in one, or its requests count as {@code UNKNOWN}.
   */
  final Route template(String template, Route route) {
    return mapResponse(response -> response.addAttribute(HttpMeters.TEMPLATE, template), () -> route);
  }

  /** As {@link #answer}, for an answer made at once. */
  final Route answerNow(HttpMethod method, Function<HttpRequest, HttpResponse> handler) {
    Route handled = handleSync(handler);
    return method(method, () -> handled);
  }
}
