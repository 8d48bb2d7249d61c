package todo.web;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests that pekko-http's parser refuses before any route sees them (a malformed
 * request target, say): the same one-line reason, with the CORS headers of every other
 * answer. Named in {@code pekko.http.server.parsing.error-handler}.
 */
public final class ParsingErrors extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String reason = Input.printable(info.summary().replace('\n', ' '));
    return HttpResponse.create().withStatus(status.intValue())
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, reason)
        .addHeaders(Cors.HEADERS);
  }
}
