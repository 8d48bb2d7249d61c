package todo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code GET /api/cluster}'s {@code members}: every node by name, with its HTTP address and
 * state, beside the fields it had before. Two nodes in one JVM; the last test stops one
 * gracefully, so it runs last. (A node killed with SIGKILL, which shows as unreachable, is
 * PageClusterIT's: that needs separate JVMs.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMembersTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static TodoSystem a;
  private static TodoSystem b;

  @BeforeAll
  static void start() {
    a = TestNodes.start("a", dir);
    b = TestNodes.startConnected("b", dir, "a@localhost");
    await().atMost(TIMEOUT).until(() -> a.database().replicaSet().nodes().size() == 2);
  }

  @AfterAll
  static void stop() {
    if (b != null) b.stop();
    if (a != null) a.stop();
  }

  private static JsonNode cluster(TodoSystem node) {
    return Web.json(new Web(node).get("/api/cluster"));
  }

  private static String member(String node, TodoSystem at, String status) {
    return "{\"node\":\"" + node + "\",\"http\":\"http://127.0.0.1:" + at.httpPort() + "\",\"status\":\"" + status + "\"}";
  }

  @Test
  @Order(1)
  void membersGivesEveryNodeWithItsAddressAndStateInNameOrder() {
    String expected = "[" + member("a@localhost", a, "up") + "," + member("b@localhost", b, "up") + "]";

    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(cluster(a).get("members")).isEqualTo(Web.json(expected));
      assertThat(cluster(b).get("members")).isEqualTo(Web.json(expected));
    });
  }

  @Test
  @Order(2)
  void theFieldsFromBeforeStay() {
    JsonNode cluster = cluster(b);

    assertThat(cluster.get("self").asText()).isEqualTo("b@localhost");
    assertThat(cluster.get("nodes")).isEqualTo(Web.json("[\"a@localhost\"]"));
    assertThat(cluster.get("http").get("a@localhost").asText()).isEqualTo("http://127.0.0.1:" + a.httpPort());
    assertThat(cluster.get("replicaSet").get("nodes")).isEqualTo(Web.json("[\"a@localhost\",\"b@localhost\"]"));
  }

  @Test
  @Order(3)
  void aNodeThatLeftGracefullyShowsAsRemoved() {
    String bWas = member("b@localhost", b, "removed");
    b.stop();
    b = null;

    await().atMost(TIMEOUT).untilAsserted(() ->
        assertThat(cluster(a).get("members")).isEqualTo(Web.json("[" + member("a@localhost", a, "up") + "," + bWas + "]")));
  }
}
