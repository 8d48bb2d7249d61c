package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
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
import todo.list.Entry;
import todo.list.TodoList;
import todo.server.TodoServer;

/** Three nodes in one JVM: every change reaches every node's own file. */
class ReplicationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final LocalDate DAY = LocalDate.parse("2018-12-19");
  private static final int LISTS = 300;

  @TempDir static Path dir;
  private static TodoSystem a;
  private static TodoSystem b;
  private static TodoSystem c;

  @BeforeAll
  static void start() {
    a = TestNodes.start("a", dir);
    b = TestNodes.startConnected("b", dir, "a@localhost");
    c = TestNodes.startConnected("c", dir, "b@localhost");
    await().atMost(TIMEOUT).until(() -> List.of(a, b, c).stream()
        .allMatch(n -> n.database().replicaSet().nodes().size() == 3));
  }

  @AfterAll
  static void stop() {
    for (TodoSystem n : List.of(c, b, a)) n.stop();
  }

  private static void add(TodoSystem via, String list, String title) {
    var result = via.cache().serverProcess(list)
        .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, title, null, r), TIMEOUT).toCompletableFuture().join();
    assertThat(result).isInstanceOf(TodoServer.Written.class);
  }

  private static TodoList stored(TodoSystem node, String list) {
    return node.database().get(list).toCompletableFuture().join();
  }

  @Test
  void anAcknowledgedChangeIsOnAMajorityAndReachesEveryNode() {
    add(b, "everywhere", "Dentist");
    long holding = List.of(a, b, c).stream().filter(n -> stored(n, "everywhere").version() == 1).count();
    assertThat(holding).isGreaterThanOrEqualTo(2);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (TodoSystem n : List.of(a, b, c)) {
        assertThat(stored(n, "everywhere").entries()).extracting(Entry::title).containsExactly("Dentist");
      }
    });
  }

  @Test
  void aStaleCopyIsRepairedFromTheNewestAndThenSentWhatItLacks() {
    // version 1 of "behind" reaches a and b only, as if c had been away
    var first = TodoList.empty("behind").add(DAY, "Dentist", null).change();
    a.database().storeLocal(first).toCompletableFuture().join();
    b.database().storeLocal(first).toCompletableFuture().join();

    add(c, "behind", "Shopping"); // the server starts from the newest copy, makes version 2

    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (TodoSystem n : List.of(a, b, c)) {
        TodoList copy = stored(n, "behind");
        assertThat(copy.version()).isEqualTo(2);
        assertThat(copy.entries()).extracting(Entry::title).containsExactly("Dentist", "Shopping");
      }
    });
  }

  @Test
  void aServerThatLostItsPlaceToANewerOneGetsNoChangeAcknowledged() {
    add(a, "moved", "Dentist");
    var server = a.cache().serverProcess("moved");
    long old = server.ask(TodoServer.Describe::new, TIMEOUT).toCompletableFuture().join().epoch();

    // a newer server of the list starts (as after a failover that the old one did not see)
    ReplicatedList newer = b.database().start("moved").toCompletableFuture().join();
    assertThat(newer.epoch()).isGreaterThan(old);
    assertThat(newer.readOnlyBecause()).isEmpty();

    var refused = server.<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, "Lost", null, r), TIMEOUT)
        .toCompletableFuture().join();
    assertThat(refused).isInstanceOf(TodoServer.Refused.class);
    assertThat(((TodoServer.Refused) refused).reason()).contains("promised a newer server");

    // the next server takes a newer epoch still. The refused server stops, and a message that
    // reaches it meanwhile is lost, as it would be through HTTP: so ask again, as ListServers
    // does every todo.ask-attempt, with one request id, so that the write is applied once
    await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(a.cache().serverProcess("moved")
        .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, "Shopping", null, "shopping-once", r), Duration.ofSeconds(1))
        .toCompletableFuture().join()).isInstanceOf(TodoServer.Written.class));
    for (TodoSystem n : List.of(a, b, c)) {
      await().atMost(TIMEOUT).untilAsserted(() ->
          assertThat(stored(n, "moved").entries()).extracting(Entry::title).containsExactly("Dentist", "Shopping"));
    }
  }

  @Test
  void aBigListTooLargeForOneMessageReachesACopyThatLacksItThroughAStream() {
    int size = 300; // with titles of 1,000 characters, its delta is bigger than Artery's largest message (256 KiB)
    String title = "x".repeat(todo.list.Entry.MAX_TITLE - 3);
    for (TodoSystem n : List.of(a, b)) {
      java.util.concurrent.CompletionStage<?> last = null;
      for (long v = 1; v <= size; v++) {
        last = n.database().storeLocal(new todo.list.Change.Put("big", v, new Entry(v, DAY, title + v, false, v)));
      }
      last.toCompletableFuture().join();
    }
    add(c, "big", "One more");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (TodoSystem n : List.of(a, b, c)) assertThat(stored(n, "big").size()).as(n.toString()).isEqualTo(size + 1);
    });
  }

  @Test
  void everyNodeNamesTheSameServerForAList() {
    add(a, "one-server", "Dentist");
    var hosts = List.of(a, b, c).stream().map(n -> n.cache().serverProcess("one-server")
        .ask(TodoServer.Describe::new, TIMEOUT).toCompletableFuture().join().node()).distinct().toList();
    assertThat(hosts).hasSize(1);
  }

  /**
   * Servers of many lists that start at once on one node ask each other replica for their
   * promises in a few messages (Promises), not one per list, and each list still gets its
   * own epoch promised by a majority.
   */
  @Test
  void listsStartingTogetherShareTheirPromiseMessagesToEachReplica() throws Exception {
    double messagesBefore = metric(a, "todo_promise_messages_total", b);
    double listsBefore = metric(a, "todo_promise_lists_total", b);
    double commitsBefore = metric(b, "todo_store_commits_total", null);

    List<CompletableFuture<ReplicatedList>> starts = IntStream.range(0, LISTS)
        .mapToObj(i -> a.database().start("together-" + i).toCompletableFuture()).toList();
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    for (var start : starts) assertThat(start.join().readOnlyBecause()).isEmpty(); // promised by a majority
    assertThat(metric(a, "todo_promise_lists_total", b) - listsBefore).isEqualTo(LISTS); // each list asked once
    // one by one, 300 promises were 300 messages to b; gathered while one is on its way, a few
    // dozen at most, of up to 100 lists each, and each message's promises share a commit on b
    double messages = metric(a, "todo_promise_messages_total", b) - messagesBefore;
    assertThat(messages).isBetween((double) LISTS / Promises.MAX_LISTS, LISTS / 10.0);
    assertThat(metric(b, "todo_store_commits_total", null) - commitsBefore).isLessThanOrEqualTo(LISTS / 10.0);
  }

  /**
   * Changes made at once by the servers of many lists travel to each replica in a few
   * batches (ChangeBatches), not a message each, and each is still acknowledged on its own
   * and reaches every node.
   */
  @Test
  void changesMadeTogetherShareTheirMessagesToEachReplica() throws Exception {
    List<String> lists = IntStream.range(0, LISTS / 2).mapToObj(i -> "batched-" + i).toList();
    writeAll(lists, "first"); // the servers start (promises, epochs) and make version 1
    double messagesBefore = total("todo_replication_messages_total");
    double changesBefore = total("todo_replication_changes_total");

    writeAll(lists, "second");

    double messages = total("todo_replication_messages_total") - messagesBefore;
    double changes = total("todo_replication_changes_total") - changesBefore;
    // each change goes to the two other replicas: one message each would be 300 messages
    assertThat(changes).isGreaterThanOrEqualTo(2.0 * lists.size());
    assertThat(messages).as("%s messages for %s changes", messages, changes).isLessThanOrEqualTo(changes / 4);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      for (TodoSystem n : List.of(a, b, c)) {
        for (String list : lists) assertThat(stored(n, list).version()).as("%s on %s", list, n).isEqualTo(2);
      }
    });
  }

  /**
   * Adds an entry titled {@code title} to each of {@code lists}, all at once through the
   * three nodes; each must be written. The first write to a list starts its server: on a
   * busy machine, a hundred of them take more than the usual 10 s.
   */
  private static void writeAll(List<String> lists, String title) throws Exception {
    Duration timeout = Duration.ofSeconds(60);
    List<TodoSystem> via = List.of(a, b, c);
    List<CompletableFuture<TodoServer.WriteResult>> writes = IntStream.range(0, lists.size())
        .mapToObj(i -> via.get(i % 3).cache().serverProcess(lists.get(i))
            .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, title, null, r), timeout).toCompletableFuture())
        .toList();
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(timeout.toSeconds() + 5, TimeUnit.SECONDS);
    for (var w : writes) assertThat(w.join()).isInstanceOf(TodoServer.Written.class);
  }

  /** The sum of a counter over every node's {@code /metrics}, all tags. */
  private static double total(String name) throws Exception {
    double sum = 0;
    for (TodoSystem node : List.of(a, b, c)) {
      Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(metrics(node));
      while (m.find()) sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /** A counter of {@code node}'s {@code /metrics}, for {@code replica} (null: untagged); 0 when absent. */
  private static double metric(TodoSystem node, String name, TodoSystem replica) throws Exception {
    String tags = replica == null ? "" : "\\{node=\"" + Pattern.quote(replica.settings().node()) + "\"[^}]*}";
    Matcher m = Pattern.compile("(?m)^" + name + tags + " (\\S+)$").matcher(metrics(node));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String metrics(TodoSystem node) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
