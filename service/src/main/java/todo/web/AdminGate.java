package todo.web;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.AdminCredential;

/**
 * The door of the admin routes (connect, forget, backup): a request passes with the cluster's
 * admin credential ({@link AdminCredential}) and is answered 401 without it, so nobody who
 * merely reaches the HTTP port changes the cluster or reads its data. Only the routes it
 * guards pay for the check; the book's and the JSON routes never pass here.
 */
final class AdminGate extends Routes {

  private static final Logger log = LoggerFactory.getLogger(AdminGate.class);
  static final String REALM = "todo-cluster";
  private static final String NEEDED =
      "this route needs the cluster's admin credential: Authorization: Bearer <HMAC of the cookie>; todo forget and todo backup send it";
  /** A client retrying in a loop must not flood the log: one line at most this often, with the count of those not logged. */
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final AdminCredential credential;
  private final WWWAuthenticate challenge = WWWAuthenticate.create(HttpChallenge.create("Bearer", REALM));
  private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
  private final AtomicInteger unlogged = new AtomicInteger();

  AdminGate(AdminCredential credential) {
    this.credential = credential;
  }

  /** {@code route} behind the door; both built once, here. */
  Route guard(Route route) {
    Route refused = handleSync(this::refuse);
    return extractRequest(request -> credential.admits(authorization(request)) ? route : refused);
  }

  private static String authorization(HttpRequest request) {
    return request.getHeader("Authorization").map(HttpHeader::value).orElse(null);
  }

  private HttpResponse refuse(HttpRequest request) {
    long now = System.nanoTime();
    long next = nextLineAt.get();
    if (now - next >= 0 && nextLineAt.compareAndSet(next, now + LOG_EVERY_NANOS)) {
      int more = unlogged.getAndSet(0);
      log.warn("Refused {} {}{}: {}{}", request.method().name(), request.getUri().path(), from(request),
          authorization(request) == null ? "no admin credential" : "a wrong admin credential (not the cluster's cookie?)",
          more == 0 ? "" : " (and " + more + " more refused admin requests in the last 10 s)");
    } else {
      unlogged.incrementAndGet();
    }
    return Responses.text(StatusCodes.UNAUTHORIZED, NEEDED).addHeader(challenge);
  }

  /** " from ADDRESS" when the node records clients' addresses (todo.http.access-log), else nothing. */
  private static String from(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress)
        .map(a -> " from " + a.getHostAddress()).orElse("");
  }
}
