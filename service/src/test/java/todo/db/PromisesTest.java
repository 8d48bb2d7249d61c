package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * Three nodes in one JVM: servers of many lists that start at once on one node ask each
 * other replica for their promises in a few messages, not one per list, and each list still
 * gets its own epoch promised by a majority.
 */
class PromisesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int LISTS = 300;

  @TempDir static Path dir;
  private static TodoSystem a;
  private static TodoSystem b;
  private static TodoSystem c;

  @BeforeAll
  static void start() {
    a = TestNodes.start("a", dir);
    b = TestNodes.startConnected("b", dir, "a@localhost");
    c = TestNodes.startConnected("c", dir, "a@localhost");
    await().atMost(TIMEOUT).until(() -> List.of(a, b, c).stream()
        .allMatch(n -> n.database().replicaSet().nodes().size() == 3));
  }

  @AfterAll
  static void stop() {
    for (TodoSystem n : List.of(c, b, a)) n.stop();
  }

  @Test
  void listsStartingTogetherShareTheirPromiseMessagesToEachReplica() throws Exception {
    double messagesBefore = metric(a, "todo_promise_messages_total", b);
    double listsBefore = metric(a, "todo_promise_lists_total", b);
    double commitsBefore = metric(b, "todo_store_commits_total", null);

    List<CompletableFuture<ReplicatedList>> starts = IntStream.range(0, LISTS)
        .mapToObj(i -> a.database().start("together-" + i).toCompletableFuture()).toList();
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    for (var start : starts) assertThat(start.join().readOnlyBecause()).isEmpty(); // promised by a majority
    assertThat(metric(a, "todo_promise_lists_total", b) - listsBefore).isEqualTo(LISTS); // each list asked once
    // one by one, 300 promises were 300 messages to b; gathered while one is on its way, a few
    // dozen at most, of up to 100 lists each, and each message's promises share a commit on b
    double messages = metric(a, "todo_promise_messages_total", b) - messagesBefore;
    assertThat(messages).isBetween((double) LISTS / Promises.MAX_LISTS, LISTS / 10.0);
    assertThat(metric(b, "todo_store_commits_total", null) - commitsBefore).isLessThanOrEqualTo(LISTS / 10.0);
  }

  /** A counter of {@code node}'s {@code /metrics}, for {@code replica} (null: untagged); 0 when absent. */
  private static double metric(TodoSystem node, String name, TodoSystem replica) throws Exception {
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String tags = replica == null ? "" : "\\{node=\"" + Pattern.quote(replica.settings().node()) + "\"[^}]*}";
    Matcher m = Pattern.compile("(?m)^" + name + tags + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
