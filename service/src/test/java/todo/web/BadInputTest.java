package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is a 400 with a one-line reason, never a 500, and never a write: a table of
 * bad requests, then proof that the lists they aimed at are untouched. The table writes
 * (if it wrote at all) to {@value #LIST}, and patches the one entry of {@value #PATCHED}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

  private static final String LIST = "bad";
  private static final String PATCHED = "patched";
  private static final String DAY = "2018-12-19";
  private static final String ADD = "/add_entry?list=" + LIST + "&date=" + DAY;
  private static final String ENTRIES = "/api/lists/" + LIST + "/entries";
  private static final String ENTRY = "/api/lists/" + PATCHED + "/entries/1";
  private static final String TITLE_1001 = "t".repeat(1001);
  private static final String NAME_201 = "n".repeat(201);
  private static final String KEY_201 = "k".repeat(201);
  private static final byte[] OVER_64_KIB = ("{\"title\":\"Dentist\",\"pad\":\"" + "x".repeat(70_000) + "\"}")
      .getBytes(StandardCharsets.UTF_8);

  @RegisterExtension static final OneNode node = new OneNode("web");
  private static JsonNode existing;

  @BeforeAll
  static void start() {
    HttpResponse<String> created = node.web().postJson("/api/lists/" + PATCHED + "/entries",
        "{\"title\":\"Dentist\",\"date\":\"" + DAY + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    existing = Web.json(created);
  }

  // ---- the table

  /**
   * One bad request. {@code body} null means none; {@code chunked} sends it without a
   * Content-Length; {@code raw} sends {@code target} byte for byte over a socket, for
   * what HttpClient refuses to send.
   */
  record Bad(String method, String target, byte[] body, boolean chunked, boolean raw, String key) {}

  private static Named<Bad> bad(String why, String method, String target) {
    return Named.of(why, new Bad(method, target, null, false, false, null));
  }

  private static Named<Bad> bad(String why, String method, String target, String json) {
    return Named.of(why, new Bad(method, target, json.getBytes(StandardCharsets.UTF_8), false, false, null));
  }

  private static Named<Bad> bytes(String why, String method, String target, byte[] body) {
    return Named.of(why, new Bad(method, target, body, false, false, null));
  }

  private static Named<Bad> chunked(String why, String method, String target, byte[] body) {
    return Named.of(why, new Bad(method, target, body, true, false, null));
  }

  private static Named<Bad> raw(String why, String method, String target) {
    return Named.of(why, new Bad(method, target, null, false, true, null));
  }

  /** A write that is good but for its {@code Idempotency-Key}; {@code json} may be null. */
  private static Named<Bad> keyed(String why, String method, String target, String json, String key) {
    return Named.of(why, new Bad(method, target, json == null ? null : json.getBytes(StandardCharsets.UTF_8), false, false, key));
  }

  /** As {@link #keyed}, the key sent byte for byte (ISO-8859-1), for what HttpClient would change. */
  private static Named<Bad> rawKeyed(String why, String method, String target, String json, String key) {
    return Named.of(why, new Bad(method, target, json.getBytes(StandardCharsets.UTF_8), false, true, key));
  }

  /** {@code {"title":"<before><bytes><after>"}} with {@code bytes} put in as they are. */
  private static byte[] titleWithBytes(String before, int... bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("{\"title\":\"" + before).getBytes(StandardCharsets.UTF_8));
    for (int b : bytes) out.write(b);
    out.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static Stream<Named<Bad>> badRequests() {
    return Stream.of(
        // the book's /add_entry
        bad("add_entry without list", "POST", "/add_entry?date=" + DAY + "&title=Dentist"),
        bad("add_entry without date", "POST", "/add_entry?list=" + LIST + "&title=Dentist"),
        bad("add_entry without title", "POST", ADD),
        bad("add_entry without any parameter", "POST", "/add_entry"),
        bad("add_entry with list=", "POST", "/add_entry?list=&date=" + DAY + "&title=Dentist"),
        bad("add_entry with date=", "POST", "/add_entry?list=" + LIST + "&date=&title=Dentist"),
        bad("add_entry with title=", "POST", ADD + "&title="),
        bad("add_entry with a blank title", "POST", ADD + "&title=%20%20"),
        bad("add_entry with date 2018-13-45", "POST", "/add_entry?list=" + LIST + "&date=2018-13-45&title=Dentist"),
        bad("add_entry with date 2018-02-30", "POST", "/add_entry?list=" + LIST + "&date=2018-02-30&title=Dentist"),
        bad("add_entry with date not-a-date", "POST", "/add_entry?list=" + LIST + "&date=not-a-date&title=Dentist"),
        bad("add_entry with a title of 1001 characters", "POST", ADD + "&title=" + TITLE_1001),
        bad("add_entry with a list name of 201 characters", "POST", "/add_entry?list=" + NAME_201 + "&date=" + DAY + "&title=Dentist"),
        bad("add_entry with %01 in the list name", "POST", "/add_entry?list=" + LIST + "%01&date=" + DAY + "&title=Dentist"),
        bad("add_entry with %0A in the list name", "POST", "/add_entry?list=" + LIST + "%0A&date=" + DAY + "&title=Dentist"),
        bad("add_entry with %0A in the title", "POST", ADD + "&title=Dentist%0Aat%20ten"),
        bad("add_entry with title=%FF%FE (not UTF-8)", "POST", ADD + "&title=%FF%FE"),
        bad("add_entry with a truncated UTF-8 sequence in the title", "POST", ADD + "&title=%E2%9C"),
        bad("add_entry with list=%FF (not UTF-8)", "POST", "/add_entry?list=%FF&date=" + DAY + "&title=Dentist"),
        raw("add_entry with title=%G1 (malformed percent-encoding)", "POST", ADD + "&title=%G1"),
        raw("add_entry with title=%4 (truncated percent-encoding)", "POST", ADD + "&title=%4"),
        raw("add_entry with a raw control byte in the title", "POST", ADD + "&title=Dent\u0001ist"),
        raw("add_entry with a raw 0xFF byte in the title", "POST", ADD + "&title=Dent\u00ffist"),
        // the book's /entries (reads, but bad all the same)
        bad("entries without date", "GET", "/entries?list=" + LIST),
        bad("entries with date 2018-02-30", "GET", "/entries?list=" + LIST + "&date=2018-02-30"),
        bad("entries with %01 in the list name", "GET", "/entries?list=" + LIST + "%01&date=" + DAY),
        // JSON: creating an entry
        bad("POST malformed JSON", "POST", ENTRIES, "{\"title\":"),
        bad("POST JSON with unquoted names", "POST", ENTRIES, "{title:'Dentist'}"),
        bad("POST an array", "POST", ENTRIES, "[]"),
        bad("POST a string", "POST", ENTRIES, "\"x\""),
        bad("POST null", "POST", ENTRIES, "null"),
        bad("POST no body", "POST", ENTRIES),
        bad("POST without title", "POST", ENTRIES, "{\"date\":\"" + DAY + "\"}"),
        bad("POST with title a number", "POST", ENTRIES, "{\"title\":42}"),
        bad("POST with title null", "POST", ENTRIES, "{\"title\":null}"),
        bad("POST with title an object", "POST", ENTRIES, "{\"title\":{\"text\":\"Dentist\"}}"),
        bad("POST with an empty title", "POST", ENTRIES, "{\"title\":\"\"}"),
        bad("POST with a blank title", "POST", ENTRIES, "{\"title\":\"   \"}"),
        bad("POST with a control character in the title", "POST", ENTRIES, "{\"title\":\"Dent\\u0000ist\"}"),
        bad("POST with a title of 1001 characters", "POST", ENTRIES, "{\"title\":\"" + TITLE_1001 + "\"}"),
        bad("POST with date 2018-02-30", "POST", ENTRIES, "{\"title\":\"Dentist\",\"date\":\"2018-02-30\"}"),
        bad("POST with date not-a-date", "POST", ENTRIES, "{\"title\":\"Dentist\",\"date\":\"not-a-date\"}"),
        bad("POST with date a number", "POST", ENTRIES, "{\"title\":\"Dentist\",\"date\":20181219}"),
        bad("POST with order 1.5", "POST", ENTRIES, "{\"title\":\"Dentist\",\"order\":1.5}"),
        bad("POST with order a string", "POST", ENTRIES, "{\"title\":\"Dentist\",\"order\":\"1\"}"),
        bad("POST with order beyond a long", "POST", ENTRIES, "{\"title\":\"Dentist\",\"order\":99999999999999999999}"),
        bytes("POST with byte 0xFF in the title", "POST", ENTRIES, titleWithBytes("Dent", 0xFF)),
        bytes("POST with a truncated UTF-8 sequence in the title", "POST", ENTRIES, titleWithBytes("Dent", 0xE2, 0x9C)),
        bytes("POST with an encoded surrogate (CESU) in the title", "POST", ENTRIES, titleWithBytes("Dent", 0xED, 0xA0, 0x80)),
        bytes("POST with an overlong NUL (C0 80) in the title", "POST", ENTRIES, titleWithBytes("Dent", 0xC0, 0x80)),
        bytes("POST with byte 0xFF in a field name", "POST", ENTRIES,
            "{\"title\":\"Dentist\",\"x\u00ff\":1}".getBytes(StandardCharsets.ISO_8859_1)),
        bytes("POST a body over 64 KiB with Content-Length", "POST", ENTRIES, OVER_64_KIB),
        bytes("add_entry with a body over 64 KiB", "POST", ADD + "&title=Dentist", OVER_64_KIB),
        bad("add_entry with a date of five-digit year", "POST", "/add_entry?list=" + LIST + "&date=%2B10000-01-01&title=Dentist"),
        bad("add_entry with a blank list name", "POST", "/add_entry?list=%20%20&date=" + DAY + "&title=Dentist"),
        chunked("POST a body over 64 KiB, chunked", "POST", ENTRIES, OVER_64_KIB),
        // JSON: list names in the path
        bad("POST to list %FF (not UTF-8)", "POST", "/api/lists/%FF/entries", "{\"title\":\"Dentist\"}"),
        bad("POST to list bad%FF (not UTF-8)", "POST", "/api/lists/" + LIST + "%FF/entries", "{\"title\":\"Dentist\"}"),
        bad("POST to a list with %01 in its name", "POST", "/api/lists/" + LIST + "%01/entries", "{\"title\":\"Dentist\"}"),
        bad("POST to a list with %0A in its name", "POST", "/api/lists/" + LIST + "%0A/entries", "{\"title\":\"Dentist\"}"),
        bad("POST to a list name of 201 characters", "POST", "/api/lists/" + NAME_201 + "/entries", "{\"title\":\"Dentist\"}"),
        raw("POST to list %G1 (malformed percent-encoding)", "POST", "/api/lists/%G1/entries"),
        raw("GET list with a raw control byte in its name", "GET", "/api/lists/" + LIST + "\u0001/entries"),
        bad("DELETE (clear) list %FF", "DELETE", "/api/lists/%FF/entries"),
        bad("DELETE (clear) a list with %01 in its name", "DELETE", "/api/lists/" + LIST + "%01/entries"),
        // JSON: changing the existing entry
        bad("PATCH malformed JSON", "PATCH", ENTRY, "{\"completed\":"),
        bad("PATCH an array", "PATCH", ENTRY, "[]"),
        bad("PATCH a string", "PATCH", ENTRY, "\"x\""),
        bad("PATCH {}", "PATCH", ENTRY, "{}"),
        bad("PATCH only unknown fields", "PATCH", ENTRY, "{\"colour\":\"red\"}"),
        bad("PATCH completed \"yes\"", "PATCH", ENTRY, "{\"completed\":\"yes\"}"),
        bad("PATCH completed 1", "PATCH", ENTRY, "{\"completed\":1}"),
        bad("PATCH completed null", "PATCH", ENTRY, "{\"completed\":null}"),
        bad("PATCH an empty title", "PATCH", ENTRY, "{\"title\":\"\"}"),
        bad("PATCH a title of 1001 characters", "PATCH", ENTRY, "{\"title\":\"" + TITLE_1001 + "\"}"),
        bad("PATCH title a number", "PATCH", ENTRY, "{\"title\":7}"),
        bad("PATCH date 2018-13-45", "PATCH", ENTRY, "{\"date\":\"2018-13-45\"}"),
        bad("PATCH order \"2\"", "PATCH", ENTRY, "{\"order\":\"2\"}"),
        bad("PATCH a good field with a bad one", "PATCH", ENTRY, "{\"title\":\"Changed\",\"completed\":\"yes\"}"),
        bytes("PATCH with byte 0xFF in the title", "PATCH", ENTRY, titleWithBytes("Dent", 0xFF)),
        bytes("PATCH a body over 64 KiB", "PATCH", ENTRY, OVER_64_KIB),
        // JSON: entry ids
        bad("GET entry abc", "GET", "/api/lists/" + PATCHED + "/entries/abc"),
        bad("PATCH entry abc", "PATCH", "/api/lists/" + PATCHED + "/entries/abc", "{\"completed\":true}"),
        bad("PATCH entry 0", "PATCH", "/api/lists/" + PATCHED + "/entries/0", "{\"completed\":true}"),
        bad("PATCH entry -1", "PATCH", "/api/lists/" + PATCHED + "/entries/-1", "{\"completed\":true}"),
        bad("PATCH entry 1.0", "PATCH", "/api/lists/" + PATCHED + "/entries/1.0", "{\"completed\":true}"),
        bad("DELETE entry abc", "DELETE", "/api/lists/" + PATCHED + "/entries/abc"),
        bad("DELETE entry 0", "DELETE", "/api/lists/" + PATCHED + "/entries/0"),
        bad("DELETE entry -1", "DELETE", "/api/lists/" + PATCHED + "/entries/-1"),
        bad("DELETE entry beyond a long", "DELETE", "/api/lists/" + PATCHED + "/entries/99999999999999999999"),
        // keys to send a write again: the book's request parameter, the JSON API's Idempotency-Key
        bad("add_entry with request=", "POST", ADD + "&title=Dentist&request="),
        bad("add_entry with a request of 201 characters", "POST", ADD + "&title=Dentist&request=" + KEY_201),
        bad("add_entry with a space in request", "POST", ADD + "&title=Dentist&request=a%20b"),
        bad("add_entry with a control character in request", "POST", ADD + "&title=Dentist&request=a%01b"),
        bad("add_entry with non-ASCII request", "POST", ADD + "&title=Dentist&request=cl%C3%A9"),
        bad("add_entry with request=%FF (not UTF-8)", "POST", ADD + "&title=Dentist&request=%FF"),
        keyed("POST with an empty Idempotency-Key", "POST", ENTRIES, "{\"title\":\"Dentist\"}", ""),
        keyed("POST with an Idempotency-Key of 201 characters", "POST", ENTRIES, "{\"title\":\"Dentist\"}", KEY_201),
        keyed("POST with a space in the Idempotency-Key", "POST", ENTRIES, "{\"title\":\"Dentist\"}", "a b"),
        rawKeyed("POST with a non-ASCII Idempotency-Key (byte E9)", "POST", ENTRIES, "{\"title\":\"Dentist\"}", "cl\u00e9"),
        rawKeyed("POST with a non-ASCII Idempotency-Key (UTF-8)", "POST", ENTRIES, "{\"title\":\"Dentist\"}", "cl\u00c3\u00a9"),
        rawKeyed("POST with a control byte in the Idempotency-Key", "POST", ENTRIES, "{\"title\":\"Dentist\"}", "a\u0001b"),
        keyed("PATCH with an Idempotency-Key of 201 characters", "PATCH", ENTRY, "{\"completed\":true}", KEY_201),
        keyed("DELETE an entry with an Idempotency-Key of 201 characters", "DELETE", ENTRY, null, KEY_201),
        keyed("DELETE (clear) a list with an Idempotency-Key of 201 characters", "DELETE", ENTRIES, null, KEY_201));
  }

  /** What came back, by either transport. */
  private record Answer(int status, String contentType, String body) {}

  private static Answer send(Bad bad) {
    if (bad.raw()) {
      Web.Raw r = bad.key() == null ? node.web().raw(bad.method(), bad.target(), "127.0.0.1:" + node.httpPort(), bad.body())
          : node.web().raw(bad.method(), bad.target(), "127.0.0.1:" + node.httpPort(), bad.body(), "Idempotency-Key", bad.key());
      return new Answer(r.status(), r.header("Content-Type").orElse(""), r.body());
    }
    BodyPublisher body = bad.body() == null ? BodyPublishers.noBody()
        : bad.chunked() ? BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bad.body()))
        : BodyPublishers.ofByteArray(bad.body());
    java.util.List<String> headers = new java.util.ArrayList<>();
    if (bad.body() != null) headers.addAll(java.util.List.of("Content-Type", "application/json"));
    if (bad.key() != null) headers.addAll(java.util.List.of("Idempotency-Key", bad.key()));
    HttpResponse<String> r = node.web().send(bad.method(), bad.target(), body, headers.toArray(String[]::new));
    return new Answer(r.statusCode(), Web.contentType(r), r.body());
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRefusedWithAOneLineReason(Bad bad) {
    Answer answer = send(bad);

    assertThat(answer.status()).as("never a 5xx; body: %s", answer.body()).isLessThan(500);
    assertThat(answer.status()).as("body: %s", answer.body()).isEqualTo(400);
    assertThat(answer.contentType()).startsWith("text/plain");
    assertThat(answer.body())
        .isNotBlank()
        .doesNotContain("\n")
        .doesNotContain("\r")
        .doesNotContain("Exception")
        .doesNotContainPattern("\\bat [\\w$.]+\\(");
  }

  // ---- after the table: nothing was written

  private static JsonNode describe(String list) {
    HttpResponse<String> response = node.web().get("/api/lists/" + Web.segment(list));
    assertThat(response.statusCode()).isEqualTo(200);
    return Web.json(response);
  }

  @Order(2)
  @Test
  void theTargetedListIsStillAtVersionZero() {
    JsonNode description = describe(LIST);

    assertThat(description.get("version").asLong()).isZero();
    assertThat(description.get("size").asLong()).isZero();
  }

  @Order(2)
  @Test
  void theTargetedListHasNoEntries() {
    assertThat(node.web().get(ENTRIES).body()).isEqualTo("[]");
  }

  @Order(2)
  @Test
  void theBookApiShowsNoEntriesOnTheTargetedList() {
    assertThat(node.web().get("/entries?list=" + LIST + "&date=" + DAY).body()).isEmpty();
    assertThat(node.web().get("/entries?list=" + LIST + "&date=" + LocalDate.now()).body()).isEmpty();
  }

  @Order(2)
  @Test
  void theExistingEntryIsUnchanged() {
    assertThat(Web.json(node.web().get(ENTRY))).isEqualTo(existing);
    assertThat(describe(PATCHED).get("version").asLong()).isEqualTo(1);
  }

  @Order(2)
  @Test
  void nothingWasWrittenUnderTheReplacementCharacter() {
    // Lenient decoding would have turned %FF into U+FFFD and written there.
    assertThat(describe("\uFFFD").get("version").asLong()).isZero();
    assertThat(describe(LIST + "\uFFFD").get("version").asLong()).isZero();
  }

  // ---- the limits themselves are accepted

  @Test
  void titleOf1000CharactersIsAccepted() {
    String title = "t".repeat(1000);

    assertThat(node.web().post("/add_entry?list=title-1000&date=" + DAY + "&title=" + title).statusCode()).isEqualTo(200);
    assertThat(node.web().get("/entries?list=title-1000&date=" + DAY).body()).isEqualTo(DAY + " " + title);
  }

  @Test
  void titleOf1000CharactersIsAcceptedAsJson() {
    String title = "t".repeat(1000);

    HttpResponse<String> response = node.web().postJson("/api/lists/title-1000-json/entries", "{\"title\":\"" + title + "\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(Web.json(response).get("title").asText()).isEqualTo(title);
  }

  @Test
  void listNameOf200CharactersIsAccepted() {
    String name = "n".repeat(200);

    assertThat(node.web().post("/add_entry?list=" + name + "&date=" + DAY + "&title=Dentist").statusCode()).isEqualTo(200);
    assertThat(node.web().get("/entries?list=" + name + "&date=" + DAY).body()).isEqualTo(DAY + " Dentist");
  }

  @Test
  void keyOf200CharactersIsAccepted() {
    String key = "k".repeat(200);

    assertThat(node.web().post("/add_entry?list=key-200&date=" + DAY + "&title=Dentist&request=" + key).statusCode()).isEqualTo(200);
    assertThat(node.web().send("POST", "/api/lists/key-200-json/entries", BodyPublishers.ofString("{\"title\":\"Dentist\"}"),
        "Content-Type", "application/json", "Idempotency-Key", key).statusCode()).isEqualTo(201);
  }

  @Test
  void bodyOfExactly64KiBIsAccepted() {
    String head = "{\"title\":\"Dentist\",\"pad\":\"";
    String tail = "\"}";
    String body = head + "x".repeat(64 * 1024 - head.length() - tail.length()) + tail;
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(64 * 1024);

    assertThat(node.web().postJson("/api/lists/body-64k/entries", body).statusCode()).isEqualTo(201);
  }

  // ---- once bugs, now regression tests

  static Stream<Named<Bad>> badRequestsStoredToday() {
    return Stream.of(
        bytes("overlong UTF-8 (E0 80 AF for '/')", "POST", "/api/lists/lenient-overlong/entries",
            titleWithBytes("Dent", 0xE0, 0x80, 0xAF)),
        bytes("UTF-8 beyond U+10FFFF (F4 90 80 80)", "POST", "/api/lists/lenient-beyond/entries",
            titleWithBytes("Dent", 0xF4, 0x90, 0x80, 0x80)),
        bad("a lone surrogate escape \\uD800 (no UTF-8 form; stored as '?')", "POST", "/api/lists/lenient-surrogate/entries",
            "{\"title\":\"Dent\\uD800ist\"}"),
        bad("trailing garbage after the JSON object", "POST", "/api/lists/lenient-trailing/entries",
            "{\"title\":\"Dentist\"} garbage"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequestsStoredToday")
  void isRefusedAndNotStored(Bad bad) {
    Answer answer = send(bad);

    assertThat(answer.status()).as("body: %s", answer.body()).isEqualTo(400);
    String list = java.net.URLDecoder.decode(bad.target().split("/")[3], StandardCharsets.UTF_8);
    assertThat(describe(list).get("version").asLong()).isZero();
  }
}
