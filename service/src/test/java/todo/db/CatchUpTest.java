package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.server.TodoServer;
import todo.store.Position;

/** A node that comes back with an old folder takes what it missed, with no list's server doing anything. */
class CatchUpTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir Path dir;
  private final List<TodoSystem> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (TodoSystem n : nodes) n.stop();
  }

  /**
   * With a request id, as every write over HTTP has one: a write that meets a change of the
   * replica set (c joining, or leaving as it stops) is then made again under the new set.
   */
  private static void add(TodoSystem via, String list, String title) {
    String request = java.util.UUID.randomUUID().toString();
    var result = via.cache().serverProcess(list)
        .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, title, null, request, r), TIMEOUT)
        .toCompletableFuture().join();
    assertThat(result).isInstanceOf(TodoServer.Written.class);
  }

  /** A counter or gauge of {@code node}'s /metrics, over real HTTP. */
  private static long metric(TodoSystem node, String name) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  private static Position position(TodoSystem node, String list) {
    return node.database().position(list).toCompletableFuture().join();
  }

  @Test
  void aNodeBackWithAnOldFolderCatchesUpOnEveryListInTheBackground() {
    TodoSystem a = TestNodes.start("a", dir);
    TodoSystem b = TestNodes.startConnected("b", dir, "a@localhost");
    TodoSystem c = TestNodes.startConnected("c", dir, "a@localhost");
    nodes.addAll(List.of(c, b, a)); // c too: a failure before its stop must not leave it running for the next test class
    List<String> lists = new ArrayList<>();
    for (int i = 0; i < 20; i++) lists.add("list-" + i);
    for (String list : lists) add(a, list, "before");

    c.stop(); // away: it misses what follows
    for (String list : lists) {
      for (int i = 0; i < 5; i++) add(a, list, "while-away-" + i);
    }
    for (String list : lists) assertThat(position(a, list).version()).isEqualTo(6);

    TodoSystem back = TestNodes.startConnected("c", dir, "a@localhost");
    nodes.add(0, back);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (String list : lists) assertThat(position(back, list)).as(list).isEqualTo(position(a, list));
    });
    for (String list : lists) {
      assertThat(back.database().get(list).toCompletableFuture().join().size()).isEqualTo(6);
    }
  }

  /**
   * Many lists' deltas per message and per write: 40 lists that missed 10 changes each (of
   * 400-character titles, so that the deltas fill more than one message) take a handful of
   * asks and of commits, split between the two peers that hold them; one ask and one commit
   * per list before.
   */
  @Test
  void manyListsComeInAFewAsksAndAFewCommits() throws Exception {
    TodoSystem a = TestNodes.start("a", dir);
    TodoSystem b = TestNodes.startConnected("b", dir, "a@localhost");
    TodoSystem c = TestNodes.startConnected("c", dir, "a@localhost");
    nodes.addAll(List.of(c, b, a));
    List<String> lists = new ArrayList<>();
    for (int i = 0; i < 40; i++) lists.add("many-" + i);
    for (String list : lists) add(a, list, "before");
    // acknowledged by a majority, "before" may still be on its way to c: c must hold it, so
    // that what c misses is exactly the 10 changes per list that follow
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (String list : lists) assertThat(position(c, list).version()).as(list).isEqualTo(1);
    });

    c.stop();
    String title = "x".repeat(400);
    for (String list : lists) {
      for (int i = 0; i < 10; i++) add(i % 2 == 0 ? a : b, list, title + i);
    }

    TodoSystem back = TestNodes.startWith(Map.of("todo.catch-up.write-changes", "100000"), "c", dir, "a@localhost");
    nodes.add(0, back);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (String list : lists) assertThat(position(back, list)).as(list).isEqualTo(position(a, list));
    });
    for (String list : lists) {
      assertThat(back.database().get(list).toCompletableFuture().join().entries())
          .isEqualTo(a.database().get(list).toCompletableFuture().join().entries());
    }
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(metric(back, "todo_catchup_lists_behind")).isZero());
    assertThat(metric(back, "todo_catchup_lists_total")).isEqualTo(lists.size());
    assertThat(metric(back, "todo_catchup_changes_total")).isEqualTo(lists.size() * 10L);
    long asks = metric(back, "todo_catchup_asks_total");
    assertThat(asks).as("asks for deltas").isBetween(2L, 6L); // about 250 KB of deltas: 2 messages at least, from 2 peers
    assertThat(metric(back, "todo_catchup_writes_total")).as("catch-up writes").isBetween(1L, asks);
    assertThat(metric(back, "todo_store_commits_total")).as("commits of c's store").isLessThanOrEqualTo(asks + 2);
  }
}
