package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON API after the Todo-Backend conventions (todobackend.com), the cluster and
 * health routes, and CORS, over real HTTP. Every test uses a list of its own.
 */
class JsonApiTest {

  private static final String NODE = "web@localhost";

  @RegisterExtension static final OneNode node = new OneNode("web");

  // ---- helpers

  private static String entries(String list) {
    return "/api/lists/" + Web.segment(list) + "/entries";
  }

  private static JsonNode create(String list, String json) {
    HttpResponse<String> response = node.web().postJson(entries(list), json);
    assertThat(response.statusCode()).as("POST %s %s: %s", entries(list), json, response.body()).isEqualTo(201);
    return Web.json(response);
  }

  private static JsonNode createDentist(String list) {
    return create(list, "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}");
  }

  private static HttpResponse<String> follow(String method, JsonNode entry) {
    return node.web().sendTo(method, entry.get("url").asText(), BodyPublishers.noBody());
  }

  private static HttpResponse<String> patch(JsonNode entry, String json) {
    return node.web().sendTo("PATCH", entry.get("url").asText(), BodyPublishers.ofString(json),
        "Content-Type", "application/json");
  }

  private static JsonNode all(String list) {
    HttpResponse<String> response = node.web().get(entries(list));
    assertThat(response.statusCode()).isEqualTo(200);
    return Web.json(response);
  }

  private static List<Long> ids(JsonNode entries) {
    return StreamSupport.stream(entries.spliterator(), false).map(e -> e.get("id").asLong()).toList();
  }

  private static JsonNode describe(String list) {
    HttpResponse<String> response = node.web().get("/api/lists/" + Web.segment(list));
    assertThat(response.statusCode()).isEqualTo(200);
    return Web.json(response);
  }

  // ---- creating

  @Test
  void postAnswers201WithTheNewEntry() {
    HttpResponse<String> response = node.web().postJson(entries("create"), "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(Web.contentType(response)).startsWith("application/json");
    assertThat(Web.json(response)).isEqualTo(Web.json(
        "{\"id\":1,\"date\":\"2018-12-19\",\"title\":\"Dentist\",\"completed\":false,\"order\":1,"
            + "\"url\":\"" + node.web().base() + "/api/lists/create/entries/1\"}"));
  }

  @Test
  void postAnswersTheEntryUrlAsLocation() {
    HttpResponse<String> response = node.web().postJson(entries("location"), "{\"title\":\"Dentist\"}");

    assertThat(response.headers().firstValue("Location")).contains(Web.json(response).get("url").asText());
  }

  @Test
  void followingTheUrlGivesTheSameEntry() {
    JsonNode created = createDentist("follow");

    HttpResponse<String> response = follow("GET", created);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Web.json(response)).isEqualTo(created);
  }

  @Test
  void postWithoutDateIsDatedToday() {
    LocalDate before = LocalDate.now();
    JsonNode created = create("undated", "{\"title\":\"Dentist\"}");
    LocalDate after = LocalDate.now();

    assertThat(LocalDate.parse(created.get("date").asText())).isBetween(before, after);
  }

  @Test
  void postWithOrderKeepsIt() {
    JsonNode created = create("ordered", "{\"title\":\"Dentist\",\"order\":42}");

    assertThat(created.get("order").asLong()).isEqualTo(42);
  }

  @Test
  void orderDefaultsToTheId() {
    createDentist("default-order");
    JsonNode second = createDentist("default-order");

    assertThat(second.get("order").asLong()).isEqualTo(second.get("id").asLong()).isEqualTo(2);
  }

  @Test
  void urlIsBuiltFromTheHostHeader() {
    Web.Raw response = node.web().raw("POST", entries("host-header"), "todo.example:8080",
        "{\"title\":\"Dentist\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(201);
    assertThat(Web.json(response.body()).get("url").asText())
        .isEqualTo("http://todo.example:8080/api/lists/host-header/entries/1");
  }

  // ---- reading

  @Test
  void getListRootGivesEveryEntryOfEveryDate() {
    JsonNode first = create("read-all", "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}");
    JsonNode second = create("read-all", "{\"title\":\"Shopping\",\"date\":\"2018-12-20\"}");
    JsonNode third = create("read-all", "{\"title\":\"Movies\",\"date\":\"2018-12-19\"}");

    assertThat(all("read-all")).containsExactly(first, second, third);
  }

  @Test
  void getListRootOfANewListIsAnEmptyArray() {
    assertThat(node.web().get(entries("new-list")).body()).isEqualTo("[]");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"GET", "DELETE"})
  void anEntryThatDoesNotExistIsNotFound(String method) {
    createDentist("missing-" + method);

    assertThat(node.web().send(method, entries("missing-" + method) + "/7", BodyPublishers.noBody()).statusCode()).isEqualTo(404);
  }

  @Test
  void patchOfAnEntryThatDoesNotExistIsNotFound() {
    createDentist("missing-patch");

    assertThat(node.web().patchJson(entries("missing-patch") + "/7", "{\"completed\":true}").statusCode()).isEqualTo(404);
  }

  // ---- updating

  static Stream<Arguments> patches() {
    return Stream.of(
        Arguments.of("title", "{\"title\":\"Dentist at ten\"}", "\"Dentist at ten\""),
        Arguments.of("date", "{\"date\":\"2018-12-20\"}", "\"2018-12-20\""),
        Arguments.of("completed", "{\"completed\":true}", "true"),
        Arguments.of("order", "{\"order\":42}", "42"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void patchChangesThatFieldAndNoOther(String field, String patch, String value) {
    JsonNode created = createDentist("patch-" + field);
    ObjectNode expected = created.deepCopy();
    expected.set(field, Web.json(value));

    HttpResponse<String> response = patch(created, patch);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Web.json(response)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void patchIsThereOnTheNextRead(String field, String patch, String value) {
    JsonNode created = createDentist("patch-read-" + field);
    ObjectNode expected = created.deepCopy();
    expected.set(field, Web.json(value));

    patch(created, patch);

    assertThat(Web.json(follow("GET", created))).isEqualTo(expected);
  }

  @Test
  void patchCanUncompleteAnEntry() {
    JsonNode created = createDentist("uncomplete");
    patch(created, "{\"completed\":true}");

    assertThat(Web.json(patch(created, "{\"completed\":false}")).get("completed").asBoolean()).isFalse();
  }

  // ---- deleting

  @Test
  void deleteEntryAnswers204ThenTheEntryIsNotFound() {
    JsonNode created = createDentist("delete-one");

    assertThat(follow("DELETE", created).statusCode()).isEqualTo(204);
    assertThat(follow("GET", created).statusCode()).isEqualTo(404);
  }

  @Test
  void deleteEntryLeavesTheOthers() {
    JsonNode first = createDentist("delete-keeps");
    JsonNode second = createDentist("delete-keeps");
    JsonNode third = createDentist("delete-keeps");

    follow("DELETE", second);

    assertThat(all("delete-keeps")).containsExactly(first, third);
  }

  @Test
  void deleteListRootClearsTheList() {
    createDentist("clear");
    createDentist("clear");

    HttpResponse<String> response = node.web().delete(entries("clear"));

    assertThat(response.statusCode()).isBetween(200, 299);
    assertThat(node.web().get(entries("clear")).body()).isEqualTo("[]");
  }

  // ---- ids

  @Test
  void idsCountFromOne() {
    createDentist("ids");
    createDentist("ids");
    createDentist("ids");

    assertThat(ids(all("ids"))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aDeletedIdIsNotReused() {
    createDentist("reuse");
    createDentist("reuse");
    follow("DELETE", createDentist("reuse"));

    assertThat(createDentist("reuse").get("id").asLong()).isEqualTo(4);
  }

  @Test
  void idsAreNotReusedAfterClearing() {
    createDentist("reuse-clear");
    createDentist("reuse-clear");
    node.web().delete(entries("reuse-clear"));

    assertThat(createDentist("reuse-clear").get("id").asLong()).isEqualTo(3);
  }

  // ---- sending a write again with an Idempotency-Key

  private static HttpResponse<String> postWithKey(String list, String json, String key) {
    return node.web().send("POST", entries(list), BodyPublishers.ofString(json), "Content-Type", "application/json", "Idempotency-Key", key);
  }

  private static HttpResponse<String> withKey(String method, String url, String json, String key) {
    return json == null
        ? node.web().sendTo(method, url, BodyPublishers.noBody(), "Idempotency-Key", key)
        : node.web().sendTo(method, url, BodyPublishers.ofString(json), "Content-Type", "application/json", "Idempotency-Key", key);
  }

  private static long version(String list) {
    return describe(list).get("version").asLong();
  }

  @Test
  void aPostSentTwiceWithOneKeyMakesOneEntryAndGetsTheSameAnswer() {
    HttpResponse<String> first = postWithKey("key-post", "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}", "order-4711");
    HttpResponse<String> again = postWithKey("key-post", "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}", "order-4711");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
    assertThat(ids(all("key-post"))).containsExactly(1L);
    assertThat(version("key-post")).isEqualTo(1);
  }

  @Test
  void aPostWithoutDateSentAgainIsTheSameWrite() {
    HttpResponse<String> first = postWithKey("key-undated", "{\"title\":\"Dentist\"}", "undated-1");
    HttpResponse<String> again = postWithKey("key-undated", "{\"title\":\"Dentist\"}", "undated-1");

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(version("key-undated")).isEqualTo(1);
  }

  @Test
  void aPatchSentTwiceWithOneKeyIsAppliedOnce() {
    JsonNode created = createDentist("key-patch");

    HttpResponse<String> first = withKey("PATCH", created.get("url").asText(), "{\"completed\":true}", "patch-1");
    HttpResponse<String> again = withKey("PATCH", created.get("url").asText(), "{\"completed\":true}", "patch-1");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(version("key-patch")).isEqualTo(2);
  }

  @Test
  void aDeleteSentTwiceWithOneKeyIs204Twice() {
    JsonNode created = createDentist("key-delete");

    assertThat(withKey("DELETE", created.get("url").asText(), null, "delete-1").statusCode()).isEqualTo(204);
    assertThat(withKey("DELETE", created.get("url").asText(), null, "delete-1").statusCode()).isEqualTo(204);
    assertThat(follow("DELETE", created).statusCode()).as("without the key, it is a new delete").isEqualTo(404);
    assertThat(version("key-delete")).isEqualTo(2);
  }

  @Test
  void aClearSentTwiceWithOneKeyIsOneChange() {
    createDentist("key-clear");

    assertThat(withKey("DELETE", node.web().base() + entries("key-clear"), null, "clear-1").statusCode()).isEqualTo(204);
    createDentist("key-clear"); // a write in between: the clear sent again must not remove it
    assertThat(withKey("DELETE", node.web().base() + entries("key-clear"), null, "clear-1").statusCode()).isEqualTo(204);

    assertThat(ids(all("key-clear"))).containsExactly(2L);
    assertThat(version("key-clear")).isEqualTo(3);
  }

  @Test
  void aKeyUsedAgainForADifferentWriteIs422AndChangesNothing() {
    postWithKey("key-reused", "{\"title\":\"Dentist\"}", "reused-1");

    HttpResponse<String> other = postWithKey("key-reused", "{\"title\":\"Shopping\"}", "reused-1");

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.body()).isEqualTo(
        "this key was used for a different write to list key-reused (it made version 1); a new write needs a new key");
    assertThat(all("key-reused")).extracting(e -> e.get("title").asText()).containsExactly("Dentist");
    assertThat(version("key-reused")).isEqualTo(1);
  }

  @Test
  void aKeyUsedForAWriteThatFoundNoEntryIsFreeAgain() {
    JsonNode created = createDentist("key-not-found");
    String missing = created.get("url").asText().replaceAll("/1$", "/9");

    assertThat(withKey("PATCH", missing, "{\"completed\":true}", "not-found-1").statusCode()).isEqualTo(404);
    assertThat(withKey("PATCH", created.get("url").asText(), "{\"completed\":true}", "not-found-1").statusCode()).isEqualTo(200);
  }

  @Test
  void oneKeyOnTwoListsIsTwoWrites() {
    assertThat(postWithKey("key-list-a", "{\"title\":\"Dentist\"}", "shared-1").statusCode()).isEqualTo(201);
    assertThat(postWithKey("key-list-b", "{\"title\":\"Dentist\"}", "shared-1").statusCode()).isEqualTo(201);

    assertThat(version("key-list-a")).isEqualTo(1);
    assertThat(version("key-list-b")).isEqualTo(1);
  }

  @Test
  void aKeyThatLooksLikeANodesOwnRequestIdIsStillTheClients() {
    // The node names its own writes with UUIDs; a client's key is kept apart from them.
    createDentist("key-uuid");
    String uuid = java.util.UUID.randomUUID().toString();

    assertThat(postWithKey("key-uuid", "{\"title\":\"Shopping\"}", uuid).statusCode()).isEqualTo(201);
    assertThat(postWithKey("key-uuid", "{\"title\":\"Shopping\"}", uuid).statusCode()).isEqualTo(201);
    assertThat(ids(all("key-uuid"))).containsExactly(1L, 2L);
  }

  // ---- describing a list

  @Test
  void describeGivesNameNodeVersionSizeAndEachReplicasVersion() {
    JsonNode first = createDentist("described");
    createDentist("described");
    patch(first, "{\"completed\":true}");
    follow("DELETE", first);

    assertThat(describe("described")).isEqualTo(Web.json(
        "{\"name\":\"described\",\"node\":\"" + NODE + "\",\"version\":4,\"size\":1,\"writable\":true,"
            + "\"epoch\":1,\"replicas\":{\"" + NODE + "\":4}}"));
  }

  @Test
  void describeOfANewListIsVersionZero() {
    JsonNode description = describe("never-used");

    assertThat(description.get("version").asLong()).isZero();
    assertThat(description.get("size").asLong()).isZero();
  }

  @Test
  void clearingCountsAsOneChange() {
    createDentist("clear-version");
    createDentist("clear-version");
    node.web().delete(entries("clear-version"));

    assertThat(describe("clear-version").get("version").asLong()).isEqualTo(3);
  }

  // ---- cluster and health

  @Test
  void clusterNamesThisNodeAlone() {
    HttpResponse<String> response = node.web().get("/api/cluster");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode cluster = Web.json(response);
    assertThat(cluster.get("self").asText()).isEqualTo(NODE);
    assertThat(cluster.get("nodes")).isEqualTo(Web.json("[]"));
  }

  @Test
  void clusterGivesThisNodesHttpAddress() {
    JsonNode http = Web.json(node.web().get("/api/cluster")).get("http");

    assertThat(http.get(NODE).asText()).isEqualTo(node.web().base());
  }

  @Test
  void healthIsOk() {
    HttpResponse<String> response = node.web().get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  // ---- list names that need encoding

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Groceries and more", "Einkäufe für Bob ✓", "日本語のリスト", "😀 party", "a/b", "100% sure", "a+b", "?#&= ;,"})
  void listNameRoundTripsThroughTheEntryUrl(String name) {
    JsonNode created = createDentist(name);

    assertThat(created.get("url").asText()).isEqualTo(node.web().base() + entries(name) + "/1");
    assertThat(Web.json(follow("GET", created))).isEqualTo(created);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Groceries and more too", "Einkäufe für Alice ✓", "😀 party two", "c/d", "99% sure"})
  void describeGivesTheDecodedListName(String name) {
    createDentist(name);

    assertThat(describe(name).get("name").asText()).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Shared list", "Geteilte Liste ✓", "e/f"})
  void theBookApiSeesTheListTheJsonApiWrote(String name) {
    createDentist(name);

    assertThat(node.web().get("/entries?list=" + Web.param(name) + "&date=2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  // ---- CORS

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "GET     | /health                                   |                  | 200",
      "GET     | /api/cluster                              |                  | 200",
      "POST    | /api/lists/cors/entries                   | {\"title\":\"x\"} | 201",
      "GET     | /api/lists/cors/entries                   |                  | 200",
      "DELETE  | /api/lists/cors/entries                   |                  | 204",
      "POST    | /add_entry?list=cors&date=2018-12-19&title=x |               | 200",
      "GET     | /nothing                                  |                  | 404",
      "GET     | /api/lists/cors/entries/99                |                  | 404",
      "GET     | /api/lists/cors/entries/abc               |                  | 400",
      "POST    | /api/lists/cors/entries                   | {\"title\":      | 400",
      "POST    | /add_entry?list=cors                      |                  | 400",
      "PUT     | /api/lists/cors/entries                   |                  | 405",
  })
  void everyAnswerAllowsAnyOrigin(String method, String target, String body, int status) {
    HttpResponse<String> response = node.web().send(method, target,
        body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body), "Origin", "http://todo.example");

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
  }

  private static HttpResponse<String> preflight(String target, String method) {
    return node.web().send("OPTIONS", target, BodyPublishers.noBody(),
        "Origin", "http://todo.example",
        "Access-Control-Request-Method", method,
        "Access-Control-Request-Headers", "content-type");
  }

  @Test
  void preflightForPatchIsAllowedWithPatchAndDelete() {
    HttpResponse<String> response = preflight("/api/lists/preflight/entries/1", "PATCH");

    assertThat(response.statusCode()).isBetween(200, 299);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("PATCH").contains("DELETE");
  }

  @Test
  void preflightAllowsTheContentTypeHeader() {
    HttpResponse<String> response = preflight("/api/lists/preflight/entries", "POST");

    assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("Content-Type");
  }

  @Test
  void preflightAllowsTheIdempotencyKeyHeader() {
    HttpResponse<String> response = preflight("/api/lists/preflight/entries", "POST");

    assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("Idempotency-Key");
  }

  @Test
  void browsersMayReadTheLocationHeader() {
    HttpResponse<String> response = node.web().postJson(entries("expose"), "{\"title\":\"Dentist\"}");

    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse("")).containsIgnoringCase("Location");
  }

  // ---- once bugs, now regression tests

  @Test
  void entryUrlKeepsAnIpv6HostInBrackets() {
    Web.Raw response = node.web().raw("POST", entries("ipv6"), "[::1]:8080",
        "{\"title\":\"Dentist\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(201);
    assertThat(Web.json(response.body()).get("url").asText()).isEqualTo("http://[::1]:8080/api/lists/ipv6/entries/1");
  }

  @Test
  void answerOfTheHttpParserAllowsAnyOrigin() {
    Web.Raw response = node.web().raw("GET", "/api/lists/%G1/entries");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Access-Control-Allow-Origin")).contains("*");
  }
}
