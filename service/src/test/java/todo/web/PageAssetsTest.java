package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The page and its assets over real HTTP: content types, cache headers, the 304 a browser's
 * revalidation gets, and that nothing in them points at another host.
 */
class PageAssetsTest {

  @RegisterExtension static final OneNode node = new OneNode("page");

  @Test
  void rootIsThePage() {
    HttpResponse<String> r = node.web().get("/");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Web.contentType(r)).isEqualTo("text/html; charset=UTF-8");
    assertThat(r.body()).startsWith("<!doctype html>").contains("<script type=\"module\" src=\"/assets/app.js\">");
  }

  @Test
  void thePageMayLoadAndAskOnlyItsOwnNode() {
    String policy = node.web().get("/").headers().firstValue("Content-Security-Policy").orElse("");

    assertThat(policy).contains("default-src 'self'", "connect-src 'self'", "script-src 'self'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "app.js,   text/javascript; charset=UTF-8",
      "api.js,   text/javascript; charset=UTF-8",
      "ui.js,    text/javascript; charset=UTF-8",
      "lists.js, text/javascript; charset=UTF-8",
      "entries.js, text/javascript; charset=UTF-8",
      "cluster.js, text/javascript; charset=UTF-8",
      "chart.js, text/javascript; charset=UTF-8",
      "page.css, text/css; charset=UTF-8",
      "icon.svg, image/svg+xml",
  })
  void everyAssetHasItsTypeAndACacheHeader(String name, String type) {
    HttpResponse<String> r = node.web().get("/assets/" + name);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Web.contentType(r)).isEqualTo(type);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(r.headers().firstValue("ETag")).isPresent();
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void aBrowserThatHasTheFileGets304WithoutABody() {
    String tag = node.web().get("/assets/app.js").headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = node.web().send("GET", "/assets/app.js", BodyPublishers.noBody(), "If-None-Match", tag);

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void aChangedFileGetsItsNewBytes() {
    HttpResponse<String> r = node.web().send("GET", "/", BodyPublishers.noBody(), "If-None-Match", "\"an-older-page\"");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("<!doctype html>");
  }

  @Test
  void anUnknownAssetIsNotFound() {
    HttpResponse<String> r = node.web().get("/assets/nothing.js");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("not found");
  }

  @Test
  void everyAssetThePageNamesIsServed() {
    for (String path : referenced(node.web().get("/").body())) {
      assertThat(node.web().get(path).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(referenced(node.web().get("/").body())).contains("/assets/app.js", "/assets/page.css");
  }

  @Test
  void everyModuleTheScriptsImportIsServed() {
    Pattern imports = Pattern.compile("from '\\./([\\w.]+)'");
    for (String name : PageRoutes.ASSETS) {
      if (!name.endsWith(".js")) continue;
      Matcher m = imports.matcher(node.web().get("/assets/" + name).body());
      while (m.find()) assertThat(PageRoutes.ASSETS).as("%s imports %s", name, m.group(1)).contains(m.group(1));
    }
  }

  /** No URL in the page or its assets names another host (the SVG namespace is a name, never fetched). */
  @Test
  void nothingPointsAtAnotherHost() {
    List<String> bodies = new ArrayList<>(List.of(node.web().get("/").body()));
    for (String name : PageRoutes.ASSETS) bodies.add(node.web().get("/assets/" + name).body());

    for (String body : bodies) {
      assertThat(body.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://", "//cdn");
    }
  }

  private static List<String> referenced(String html) {
    List<String> paths = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"").matcher(html);
    while (m.find()) paths.add(m.group(1));
    return paths;
  }
}
