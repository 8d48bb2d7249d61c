package todo.web;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node records of each request it answers: the {@code http.server.requests} timer
 * by route template, method and status ({@link RouteTimers}), and, when
 * {@code todo.http.access-log} is on, one line to the logger {@code todo.access}.
 *
 * <p>The hot routes know their template when they match ({@link HotRoutes}); a route of the
 * tree tags its answer with its template ({@link Routes#template}). An answer without one is
 * {@code NOT_FOUND} when it is a 404 (no route matched), else {@code UNKNOWN} (refused before
 * a route matched: a CORS preflight, a malformed request).
 */
final class HttpMeters {

  /** The route template an answer of the route tree came from. */
  static final AttributeKey<String> TEMPLATE = AttributeKey.create("todo-route-template", String.class);

  private static final Logger access = LoggerFactory.getLogger("todo.access");

  private final MeterRegistry registry;
  private final boolean accessLog;
  private final ConcurrentHashMap<String, RouteTimers> routes = new ConcurrentHashMap<>();
  private final RouteTimers notFound;
  private final RouteTimers unknown;

  HttpMeters(MeterRegistry registry, boolean accessLog) {
    this.registry = registry;
    this.accessLog = accessLog;
    this.notFound = route("NOT_FOUND");
    this.unknown = route("UNKNOWN");
  }

  /** The timers of {@code template}: made once, then found by a hash of the interned template. */
  RouteTimers route(String template) {
    RouteTimers found = routes.get(template);
    return found != null ? found : routes.computeIfAbsent(template, t -> new RouteTimers(registry, t));
  }

  /** {@code response}, answered to {@code request} by a route of {@code route}'s template, counted; {@code start}: System.nanoTime() when it came. */
  HttpResponse served(RouteTimers route, HttpRequest request, HttpResponse response, long start) {
    long nanos = System.nanoTime() - start;
    int status = response.status().intValue();
    route.record(request.method(), status, nanos);
    if (accessLog) logAccess(request, status, nanos);
    return response;
  }

  /** As {@link #served}, for an answer of the route tree: its template is the one its route tagged it with. */
  HttpResponse servedByTree(HttpRequest request, HttpResponse response, long start) {
    Optional<String> template = response.getAttribute(TEMPLATE);
    RouteTimers route = template.isPresent() ? route(template.get()) : response.status().intValue() == 404 ? notFound : unknown;
    return served(route, request, response, start);
  }

  /** {@code GET /api/lists/bob/entries 200 1.3 ms 127.0.0.1}: the path without its query (titles stay out of logs). */
  private static void logAccess(HttpRequest request, int status, long nanos) {
    String remote = request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress)
        .map(java.net.InetAddress::getHostAddress).orElse("-");
    access.info("{} {} {} {} ms {}", request.method().name(), request.getUri().path(), status,
        String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6), remote);
  }
}
