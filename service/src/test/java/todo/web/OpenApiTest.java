package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.node.AdminCredential;

/**
 * The OpenAPI description ({@code openapi.yaml}, served at {@code /api/openapi.yaml}) against
 * a real OpenAPI parser and a real node: it parses without a message; every operation it
 * describes is called with good and bad input, and every answer has a status, content type,
 * headers and JSON body the description lists; every route the node's code documents (the
 * {@code // curl} example above each route) is described, and every method a described path
 * does not list is refused with 404 or 405.
 */
class OpenApiTest {

  /** Operations that this test cannot make succeed, and why: their answers are still checked. */
  private static final Set<String> NO_SUCCESS_HERE = Set.of(
      "GET /assets/{file}"); // the page's file names are the page's own (its tests load them)

  private static final String SELF = "openapi@localhost";
  private static final String[] JSON = {"Content-Type", "application/json"};
  /** The admin credential of the tests' nodes (their cookie is test-cookie). */
  private static final String[] ADMIN = {"Authorization", AdminCredential.header("test-cookie")};
  private static final String[] WRONG_ADMIN = {"Authorization", AdminCredential.header("not-the-cookie")};

  @RegisterExtension static final OneNode node = new OneNode("openapi");

  private static final OpenApiSpec spec = OpenApiSpec.load();

  /** A request and the status it should get. */
  record Call(String method, String target, String body, int expected, String... headers) {
    static Call get(String target, int expected) {
      return new Call("GET", target, null, expected);
    }

    static Call post(String target, int expected) {
      return new Call("POST", target, null, expected);
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public String toString() {
      return method + " " + target + (body == null ? "" : " " + body) + (headers.length == 0 ? "" : " " + String.join(": ", headers));
    }
  }

  /** In order: later calls use what earlier ones wrote. */
  private static final List<Call> CALLS = List.of(
      Call.post("/add_entry?list=book&date=2018-12-19&title=Dentist", 200),
      Call.post("/add_entry?list=book&date=2018-12-19", 400),
      Call.post("/add_entry?list=book&date=2018-12-19&title=Gym&request=gym-1", 200),
      Call.post("/add_entry?list=book&date=2018-12-19&title=Swim&request=gym-1", 422),
      Call.get("/entries?list=book&date=2018-12-19", 200),
      Call.get("/entries?list=book", 400),
      Call.get("/entries?list=book&date=2018-02-30", 400),
      Call.get("/api/lists", 200),
      Call.get("/api/lists?after=a&limit=1&q=OO", 200),
      Call.get("/api/lists?limit=0", 400),
      Call.get("/api/lists/book", 200),
      Call.get("/api/lists/book%0A", 400),
      Call.get("/api/lists/json/entries", 200),
      Call.get("/api/lists/%20/entries", 400),
      new Call("POST", "/api/lists/json/entries", "{\"title\":\"Buy milk\",\"date\":\"2018-12-20\"}", 201, JSON),
      new Call("POST", "/api/lists/json/entries", "{\"title\":\"Tea\"}", 201, "Content-Type", "application/json", "Idempotency-Key", "tea-1"),
      new Call("POST", "/api/lists/json/entries", "{\"title\":\"Coffee\"}", 422, "Content-Type", "application/json", "Idempotency-Key", "tea-1"),
      new Call("POST", "/api/lists/json/entries", "{}", 400, JSON),
      new Call("POST", "/api/lists/json/entries", "{\"title\":", 400, JSON),
      Call.get("/api/lists/json/entries", 200),
      Call.get("/api/lists/json/entries/1", 200),
      Call.get("/api/lists/json/entries/99", 404),
      Call.get("/api/lists/json/entries/abc", 400),
      new Call("PATCH", "/api/lists/json/entries/1", "{\"completed\":true}", 200, "Content-Type", "application/json", "Idempotency-Key", "done-1"),
      new Call("PATCH", "/api/lists/json/entries/1", "{\"completed\":false}", 422, "Content-Type", "application/json", "Idempotency-Key", "done-1"),
      new Call("PATCH", "/api/lists/json/entries/1", "{}", 400, JSON),
      new Call("PATCH", "/api/lists/json/entries/99", "{\"completed\":true}", 404, JSON),
      new Call("DELETE", "/api/lists/json/entries/2", null, 204),
      new Call("DELETE", "/api/lists/json/entries/99", null, 404),
      new Call("DELETE", "/api/lists/json/entries/0", null, 400),
      new Call("DELETE", "/api/lists/json/entries/1", null, 422, "Idempotency-Key", "tea-1"),
      new Call("OPTIONS", "/api/lists/json/entries", null, 204),
      new Call("OPTIONS", "/api/lists/json/entries/1", null, 204),
      new Call("DELETE", "/api/lists/json/entries", null, 400, "Idempotency-Key", "a b"),
      new Call("DELETE", "/api/lists/json/entries", null, 422, "Idempotency-Key", "done-1"),
      new Call("DELETE", "/api/lists/json/entries", null, 204),
      Call.get("/api/cluster", 200),
      new Call("POST", "/api/cluster/connect?node=" + SELF, null, 200, ADMIN),
      new Call("POST", "/api/cluster/connect?node=nonsense", null, 400, ADMIN),
      new Call("POST", "/api/cluster/connect?node=ghost@localhost", null, 409, ADMIN),
      Call.post("/api/cluster/connect?node=ghost@localhost", 401),
      new Call("POST", "/api/cluster/connect?node=ghost@localhost", null, 401, WRONG_ADMIN),
      new Call("POST", "/api/cluster/forget?node=ghost@localhost", null, 200, ADMIN),
      new Call("POST", "/api/cluster/forget?node=" + SELF, null, 409, ADMIN),
      new Call("POST", "/api/cluster/forget?node=nonsense", null, 400, ADMIN),
      Call.post("/api/cluster/forget?node=ghost@localhost", 401),
      new Call("POST", "/api/cluster/forget?node=ghost@localhost", null, 401, WRONG_ADMIN),
      new Call("GET", "/api/admin/backup", null, 200, ADMIN),
      Call.get("/api/admin/backup", 401),
      Call.get("/metrics", 200),
      Call.get("/health", 200),
      Call.get("/health/alive", 200),
      Call.get("/health/ready", 200),
      Call.get("/api/openapi.yaml", 200),
      Call.get("/", 200),
      Call.get("/assets/no-such-file.js", 404));

  @Test
  void theDescriptionParsesWithoutAMessage() {
    assertThat(spec.parsed.getMessages()).as("errors and warnings of swagger-parser").isEmpty();
    assertThat(spec.api).isNotNull();
    assertThat(spec.api.getOpenapi()).startsWith("3.");
  }

  @Test
  void theNodeServesTheDescriptionAsYaml() {
    HttpResponse<String> response = node.web().get("/api/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Web.contentType(response)).startsWith("application/yaml");
    assertThat(response.body()).isEqualTo(spec.text);
  }

  /** Every call in order, each a test of its own, then one that every operation was called. */
  @TestFactory
  Stream<DynamicTest> everyAnswerIsOneTheDescriptionLists() {
    List<String> called = new ArrayList<>();
    Stream<DynamicTest> calls = CALLS.stream().map(call -> DynamicTest.dynamicTest(call.toString(), () -> {
      OpenApiSpec.Op op = op(call.method(), call.path());
      HttpResponse<String> response = send(call);
      assertThat(spec.problems(op, response)).as("%s answered %d: %s", call, response.statusCode(), response.body()).isEmpty();
      assertThat(response.statusCode()).as("%s answered: %s", call, response.body()).isEqualTo(call.expected());
      if (response.statusCode() >= 400) assertThat(response.body()).as("a one-line reason").isNotBlank().doesNotContain("\n");
      called.add(op + " " + response.statusCode());
    }));
    DynamicTest coverage = DynamicTest.dynamicTest("every operation was called, with good and with bad input", () -> {
      List<String> missing = new ArrayList<>();
      for (OpenApiSpec.Op op : spec.operations()) {
        List<String> answers = called.stream().filter(c -> c.startsWith(op + " ")).toList();
        if (answers.isEmpty()) missing.add(op + ": never called");
        if (answers.isEmpty()) continue;
        if (answers.stream().noneMatch(c -> c.matches(".* 2\\d\\d")) && !NO_SUCCESS_HERE.contains(op.toString())) {
          missing.add(op + ": never succeeded");
        }
        if (spec.operation(op).getResponses().containsKey("400") && answers.stream().noneMatch(c -> c.endsWith(" 400"))) {
          missing.add(op + ": never given bad input");
        }
      }
      assertThat(missing).isEmpty();
    });
    return Stream.concat(calls, Stream.of(coverage));
  }

  @Test
  void everyRouteTheCodeDocumentsIsDescribed() throws IOException {
    Pattern curl = Pattern.compile("^\\s*// curl (.*?)'?http://localhost:5454(/[^\\s'?]*)");
    Pattern explicit = Pattern.compile("-X (\\w+)");
    Set<String> documented = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(source)) {
          Matcher m = curl.matcher(line);
          if (!m.find()) continue;
          Matcher x = explicit.matcher(m.group(1));
          String method = x.find() ? x.group(1) : m.group(1).contains("-d ") ? "POST" : "GET";
          documented.add(method + " " + m.group(2));
        }
      }
    }
    assertThat(documented).as("the routes' curl examples, as read here").hasSizeGreaterThanOrEqualTo(15);
    List<String> undescribed = documented.stream().filter(route -> {
      String[] parts = route.split(" ");
      String template = spec.template(parts[1]);
      return template == null || !spec.methods(template).contains(parts[0]);
    }).toList();
    assertThat(undescribed).as("routes the description lacks").isEmpty();
  }

  @Test
  void everyMethodAPathDoesNotListIsRefused() {
    List<String> wrong = new ArrayList<>();
    for (String template : spec.api.getPaths().keySet()) {
      String path = template.replace("{list}", "probe").replace("{id}", "1").replace("{file}", "probe.js");
      Set<String> listed = spec.methods(template);
      for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
        if (listed.contains(method)) continue;
        HttpResponse<String> response = send(new Call(method, path, null, 0));
        int status = response.statusCode();
        if (status == 405) {
          Set<String> allow = new HashSet<>(List.of(response.headers().firstValue("Allow").orElse("").split(",\\s*")));
          Set<String> expected = new HashSet<>(listed);
          expected.remove("OPTIONS");
          if (!allow.equals(expected)) wrong.add(method + " " + path + ": 405 with Allow " + allow + ", described " + expected);
        } else if (!notFound(response)) {
          wrong.add(method + " " + path + ": " + status + " " + response.body());
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void anUnknownRouteIsNotFound() {
    HttpResponse<String> response = node.web().get("/no/such/route");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("not found");
  }

  private static OpenApiSpec.Op op(String method, String rawPath) {
    String template = spec.template(rawPath);
    assertThat(template).as("a described path for %s", rawPath).isNotNull();
    assertThat(spec.methods(template)).as("the methods of %s", template).contains(method);
    return new OpenApiSpec.Op(method, template);
  }

  private static boolean notFound(HttpResponse<String> response) {
    return response.statusCode() == 404 && response.body().equals("not found");
  }

  private static HttpResponse<String> send(Call call) {
    return node.web().send(call.method(), call.target(),
        call.body() == null ? BodyPublishers.noBody() : BodyPublishers.ofString(call.body()), call.headers());
  }
}
