package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
}
