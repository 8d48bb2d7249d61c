package todo.web;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The CORS headers every answer carries: Todo-Backend clients run in browsers on other
 * origins. (pekko-http-cors is not published for pekko-http 1.3, and these few headers
 * are all it would add here.)
 */
final class Cors {

  static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Access-Control-Allow-Origin", "*"),
      RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS"),
      RawHeader.create("Access-Control-Allow-Headers", "Content-Type, Accept, Idempotency-Key"),
      RawHeader.create("Access-Control-Expose-Headers", "Location"),
      RawHeader.create("Access-Control-Max-Age", "86400"));

  /** The same, as the Scala model's headers, for {@link #on}. */
  private static final scala.collection.immutable.Seq<org.apache.pekko.http.scaladsl.model.HttpHeader> DEFAULTS =
      CollectionConverters.asScala(HEADERS.stream().map(h -> (org.apache.pekko.http.scaladsl.model.HttpHeader) h).toList()).toList();

  private Cors() {}

  /** {@code response} with each of these headers it does not set itself, as {@code respondWithDefaultHeaders} adds them in the route tree. */
  static HttpResponse on(HttpResponse response) {
    return (HttpResponse) ((org.apache.pekko.http.scaladsl.model.HttpResponse) response).withDefaultHeaders(DEFAULTS);
  }
}
