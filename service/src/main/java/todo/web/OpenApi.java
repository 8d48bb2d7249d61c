package todo.web;

import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/openapi.yaml}: the OpenAPI 3 description of every route (the jar's
 * {@code openapi.yaml}), read once when the node binds and served as it is.
 */
final class OpenApi extends Routes {

  static final String RESOURCE = "openapi.yaml";
  /** application/yaml (RFC 9512); Pekko names no YAML media type of its own. */
  private static final ContentType YAML = MediaTypes.applicationWithOpenCharset("yaml").toContentType(HttpCharsets.UTF_8);

  private final HttpResponse description;

  OpenApi() {
    description = HttpResponse.create().withStatus(StatusCodes.OK).withEntity(YAML, Responses.fromJar(RESOURCE));
  }

  Route route() {
    // curl http://localhost:5454/api/openapi.yaml
    Route served = template("/api/openapi.yaml", answerNow(HttpMethods.GET, request -> description));
    return path(PathMatchers.segment("api").slash("openapi.yaml"), () -> served);
  }
}
