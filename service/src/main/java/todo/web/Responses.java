package todo.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.store.StoreException;

/** The few shapes of answer the routes give, and the mapping of failures to them. */
final class Responses {

  private static final Logger log = LoggerFactory.getLogger(Responses.class);
  private static final RetryAfter RETRY_AFTER = RetryAfter.create(1L);
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Responses() {}

  /** The bytes of {@code resource} in the jar, read once at bind by the routes that serve files. */
  static byte[] fromJar(String resource) {
    try (InputStream in = Responses.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("the jar has no " + resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
    }
  }

  /** 405 with the reason, and the methods the route answers in {@code Allow} (as HTTP requires). */
  static HttpResponse notAllowed(String reason, HttpMethod... allowed) {
    return text(StatusCodes.METHOD_NOT_ALLOWED, reason).addHeader(Allow.create(allowed));
  }

  static HttpResponse text(StatusCode status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
  }

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static HttpResponse badRequest(String reason) {
    return text(StatusCodes.BAD_REQUEST, reason);
  }

  /** A 503: the reason in one line, and {@code Retry-After: 1} (it may pass: a majority back, a server moved). */
  static HttpResponse unavailable(String reason) {
    return text(StatusCodes.SERVICE_UNAVAILABLE, reason).addHeader(RETRY_AFTER);
  }

  /**
   * What an exception out of a route means to the client: a {@link BadRequest} or an oversized
   * body is a 400 with its reason; anything else is logged and a 500.
   */
  static HttpResponse error(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof BadRequest bad) return badRequest(bad.getMessage());
    if (cause instanceof EntityStreamSizeException) return badRequest("the body is over 64 KiB");
    log.error("Request failed: {}", cause.toString(), cause); // a bug: its stack trace follows
    return text(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + cause.getClass().getSimpleName());
  }

  /** What a failed ask or store means to the client: 503 with the reason, never a stack trace. */
  static HttpResponse failure(Throwable t, String list) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof BadRequest bad) return badRequest(bad.getMessage());
    if (cause instanceof EntityStreamSizeException) return badRequest("the body is over 64 KiB");
    if (cause instanceof TimeoutException) {
      return unavailable("the server of list " + list + " did not answer in time; try again");
    }
    if (cause instanceof StoreException) return unavailable(cause.getMessage());
    log.error("Request for list {} failed: {}", list, cause.toString(), cause);
    return text(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + cause.getClass().getSimpleName());
  }
}
