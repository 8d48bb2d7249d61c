package todo.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.pekko.http.javadsl.model.HttpMethod;

/**
 * The {@code http.server.requests} timers of one route template, by method and status,
 * each registered the first time it is used and then found by two array indexes: a request
 * costs no lookup by name, no tags built and no allocation. (Two first uses at once both
 * register it; the registry returns the one meter to both.)
 */
final class RouteTimers {

  static final String NAME = "http.server.requests";
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};
  private static final String OTHER = "OTHER";
  private static final int FIRST_STATUS = 100;
  private static final int STATUSES = 500; // 100 to 599

  private final MeterRegistry registry;
  private final String uri;
  private final AtomicReferenceArray<AtomicReferenceArray<Timer>> timers = new AtomicReferenceArray<>(METHODS.length + 1);

  RouteTimers(MeterRegistry registry, String uri) {
    this.registry = registry;
    this.uri = uri;
  }

  String uri() {
    return uri;
  }

  /** Counts a request of {@code method} answered {@code status}, {@code nanos} after it came. */
  void record(HttpMethod method, int status, long nanos) {
    timer(index(method.name()), status).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the timer of {@code method} and {@code status} now, so that it shows at 0 before the first such request. */
  RouteTimers with(HttpMethod method, int... statuses) {
    for (int status : statuses) timer(index(method.name()), status);
    return this;
  }

  private Timer timer(int method, int status) {
    int slot = status >= FIRST_STATUS && status < FIRST_STATUS + STATUSES ? status - FIRST_STATUS : 0;
    AtomicReferenceArray<Timer> byStatus = timers.get(method);
    if (byStatus == null) {
      timers.compareAndSet(method, null, new AtomicReferenceArray<>(STATUSES));
      byStatus = timers.get(method);
    }
    Timer timer = byStatus.get(slot);
    if (timer == null) {
      timer = Timer.builder(NAME)
          .description("HTTP requests this node answered, by route template, method and status")
          .tag("uri", uri)
          .tag("method", method < METHODS.length ? METHODS[method] : OTHER)
          .tag("status", String.valueOf(slot + FIRST_STATUS))
          .register(registry);
      byStatus.set(slot, timer);
    }
    return timer;
  }

  /** A switch on a string compares its cached hash first: no allocation. */
  private static int index(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "POST" -> 1;
      case "PUT" -> 2;
      case "PATCH" -> 3;
      case "DELETE" -> 4;
      case "OPTIONS" -> 5;
      case "HEAD" -> 6;
      default -> METHODS.length;
    };
  }
}
