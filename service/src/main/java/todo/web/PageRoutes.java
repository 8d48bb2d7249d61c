package todo.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.EntityTag;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The page for people: {@code GET /} and its assets under {@code /assets/}, plain HTML, CSS
 * and JavaScript modules from the jar's {@code page/} folder, read once when the node binds
 * and answered from memory. The page talks only to the node that served it, through the
 * JSON API ({@code /api/...}) and {@code /metrics}; its Content-Security-Policy holds the
 * browser to that, so it never loads anything from another host.
 *
 * <p>Every answer carries an ETag and {@code Cache-Control: no-cache}: a browser keeps the
 * files and asks each time whether they changed, which costs a 304 without a body, and a node
 * upgraded in place is never served from a stale cache.
 */
final class PageRoutes extends Routes {

  /** The files under page/assets/ (a jar's folder cannot be listed, so they are named here). */
  static final List<String> ASSETS = List.of(
      "app.js", "api.js", "ui.js", "lists.js", "entries.js", "cluster.js", "chart.js", "page.css", "icon.svg");

  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=UTF-8",
      "js", "text/javascript; charset=UTF-8",
      "css", "text/css; charset=UTF-8",
      "svg", "image/svg+xml");

  private static final HttpHeader REVALIDATE = CacheControl.create(CacheDirectives.NO_CACHE);
  private static final HttpHeader NO_SNIFFING = RawHeader.create("X-Content-Type-Options", "nosniff");
  /** Only this node: scripts, styles, images and every request the page makes. */
  private static final HttpHeader POLICY = RawHeader.create("Content-Security-Policy",
      "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; "
          + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

  private final Route index;
  private final Map<String, Route> assets = new HashMap<>();
  private final Route none = reject();

  PageRoutes() {
    this.index = template("/", file("index.html", true));
    for (String name : ASSETS) assets.put(name, template("/assets/{file}", file("assets/" + name, false)));
  }

  Route route() {
    // open http://localhost:5454/ in a browser
    return concat(
        pathSingleSlash(() -> index),
        // curl http://localhost:5454/assets/app.js
        path(PathMatchers.segment("assets").slash(PathMatchers.segment()), name -> assets.getOrDefault(name, none)));
  }

  /** The route answering GET of {@code page/<path>}, its answer made here once. */
  private Route file(String path, boolean page) {
    byte[] bytes = Responses.fromJar("page/" + path);
    String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
    if (type == null) throw new IllegalStateException("no content type known for page/" + path);
    HttpResponse response = HttpResponse.create().withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.parse(type), bytes)
        .addHeaders(page ? List.of(REVALIDATE, NO_SNIFFING, POLICY) : List.of(REVALIDATE, NO_SNIFFING));
    Route answer = complete(response);
    Route conditional = conditional(EntityTag.create(digest(bytes), false), () -> answer);
    return get(() -> conditional);
  }

  /** The file's tag: the first 16 bytes of its SHA-256, in hex. */
  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
