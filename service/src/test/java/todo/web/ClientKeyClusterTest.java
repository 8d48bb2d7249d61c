package todo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * A client sends a write again with its Idempotency-Key to another node of three in one
 * JVM, and after the list's server has moved: the same entry, and one write. The last test
 * stops the list's host, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientKeyClusterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String DENTIST = "{\"title\":\"Dentist\",\"date\":\"2018-12-19\"}";

  @TempDir static Path dir;
  private static final Map<String, TodoSystem> nodes = new LinkedHashMap<>(); // by node name

  @BeforeAll
  static void start() {
    nodes.put("a@localhost", TestNodes.start("a", dir));
    nodes.put("b@localhost", TestNodes.startConnected("b", dir, "a@localhost"));
    nodes.put("c@localhost", TestNodes.startConnected("c", dir, "b@localhost"));
    await().atMost(TIMEOUT).until(() -> nodes.values().stream()
        .allMatch(n -> n.database().replicaSet().nodes().size() == 3));
  }

  @AfterAll
  static void stop() {
    List<TodoSystem> running = new ArrayList<>(nodes.values());
    java.util.Collections.reverse(running);
    for (TodoSystem n : running) n.stop();
  }

  private static Web web(String node) {
    return new Web(nodes.get(node));
  }

  private static HttpResponse<String> post(String node, String list, String json, String key) {
    return web(node).send("POST", "/api/lists/" + list + "/entries", BodyPublishers.ofString(json),
        "Content-Type", "application/json", "Idempotency-Key", key);
  }

  /** An entry's JSON without its url, which names the node that answered. */
  private static JsonNode withoutUrl(HttpResponse<String> response) {
    ObjectNode entry = (ObjectNode) Web.json(response);
    entry.remove("url");
    return entry;
  }

  private static JsonNode describe(String node, String list) {
    return Web.json(web(node).get("/api/lists/" + list));
  }

  private static int size(String node, String list) {
    return Web.json(web(node).get("/api/lists/" + list + "/entries")).size();
  }

  @Order(1)
  @Test
  void aKeySentAgainToEachOtherNodeGetsTheSameEntryAndIsOneWrite() {
    HttpResponse<String> first = post("a@localhost", "every-node", DENTIST, "visit-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

    for (String node : List.of("b@localhost", "c@localhost")) {
      HttpResponse<String> again = post(node, "every-node", DENTIST, "visit-1");
      assertThat(again.statusCode()).as(node).isEqualTo(201);
      assertThat(withoutUrl(again)).as(node).isEqualTo(withoutUrl(first));
    }
    assertThat(describe("c@localhost", "every-node").get("version").asLong()).isEqualTo(1);
    assertThat(size("b@localhost", "every-node")).isEqualTo(1);
  }

  @Order(1)
  @Test
  void aKeySentToAnotherNodeWithADifferentWriteIs422() {
    assertThat(post("a@localhost", "other-write", DENTIST, "visit-2").statusCode()).isEqualTo(201);
    String host = describe("a@localhost", "other-write").get("node").asText();
    String elsewhere = nodes.keySet().stream().filter(n -> !n.equals(host)).findFirst().orElseThrow();

    HttpResponse<String> other = post(elsewhere, "other-write", "{\"title\":\"Shopping\"}", "visit-2"); // the refusal crosses nodes

    assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
    assertThat(size("c@localhost", "other-write")).isEqualTo(1);
  }

  @Order(2)
  @Test
  void aKeySentAgainAfterTheListsServerMovedGetsTheSameEntryFromTheStore() {
    String list = "moving";
    HttpResponse<String> first = post("a@localhost", list, DENTIST, "visit-3");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String host = describe("a@localhost", list).get("node").asText();
    String survivor = nodes.keySet().stream().filter(n -> !n.equals(host)).findFirst().orElseThrow();

    nodes.remove(host).stop(); // its server, and the answers it remembered, are gone

    // The client sends the same write again until a node takes it, as it would after a 503.
    AtomicReference<HttpResponse<String>> again = new AtomicReference<>();
    await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
      again.set(post(survivor, list, DENTIST, "visit-3"));
      assertThat(again.get().statusCode()).as(again.get().body()).isEqualTo(201);
    });

    assertThat(describe(survivor, list).get("node").asText()).isNotEqualTo(host);
    assertThat(withoutUrl(again.get())).isEqualTo(withoutUrl(first));
    assertThat(describe(survivor, list).get("version").asLong()).isEqualTo(1);
    assertThat(size(survivor, list)).isEqualTo(1);
    assertThat(post(survivor, list, "{\"title\":\"Shopping\"}", "visit-3").statusCode()).isEqualTo(422);
  }
}
