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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.list.Change;
import todo.list.Entry;
import todo.store.Stamped;

/**
 * Three nodes in one JVM, writes sent from a. c's store is made to refuse for real: its
 * write queue is tiny, and the test keeps every thread of c's store busy (as a stalled disk
 * would), so the queue fills and c answers "overloaded".
 */
class ResendTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final LocalDate DAY = LocalDate.parse("2018-12-19");
  private static final long DEADLINE_MS = 8000;
  private static final long BACKOFF_MIN_MS = 50;
  private static final int IN_FLIGHT_PER_REPLICA = 4;

  /** Every node; catch-up off, so a copy of c gets a change only from the sender's resends. */
  private static final Map<String, String> SETTINGS = Map.of(
      "todo.catch-up.enabled", "off",
      "todo.replication.deadline", DEADLINE_MS + "ms",
      "todo.replication.backoff.min", BACKOFF_MIN_MS + "ms",
      "todo.replication.backoff.max", "4s",
      "todo.replication.max-in-flight-per-replica", String.valueOf(IN_FLIGHT_PER_REPLICA));

  @TempDir Path dir;
  private TodoSystem a;
  private TodoSystem b;
  private TodoSystem c;
  private final CountDownLatch paused = new CountDownLatch(1);
  private long fillers;

  @BeforeEach
  void start() {
    Map<String, String> tiny = new HashMap<>(SETTINGS);
    tiny.put("todo.db.queue-size", "1");
    tiny.put("todo.db.max-batch", "1");
    a = TestNodes.startWith(SETTINGS, "a", dir);
    b = TestNodes.startWith(SETTINGS, "b", dir, "a@localhost");
    c = TestNodes.startWith(tiny, "c", dir, "a@localhost");
    await().atMost(TIMEOUT).until(() -> List.of(a, b, c).stream()
        .allMatch(n -> n.database().replicaSet().nodes().size() == 3));
  }

  @AfterEach
  void stop() {
    paused.countDown();
    for (TodoSystem n : List.of(c, b, a)) if (n != null) n.stop();
  }

  @Test
  void aReplicaThatStaysOverloadedIsSentTheChangeAFewTimesNotInALoop() throws Exception {
    overloadC();
    store(a, "refused");

    await().atMost(TIMEOUT).until(() -> counter(a, "todo_store_failures_total", c) >= 1); // a gave up on c
    // Resent at once, c's refusals (a local round trip of about a millisecond) would come
    // back thousands of times in the deadline. Waits from 50 ms doubling, never below half:
    // no more than about log2(deadline / min) of them fit.
    long bound = (long) Math.ceil(Math.log((double) DEADLINE_MS / BACKOFF_MIN_MS) / Math.log(2)) + 3;
    assertThat(counter(a, "todo_replication_resends_total", c)).isBetween(1L, bound);
    paused.countDown();
    assertThat(stored(c, "refused").version()).isZero(); // given up on: nothing sends it later
  }

  @Test
  void aReplicaThatRecoversBeforeTheDeadlineGetsTheChange() throws Exception {
    overloadC();
    store(a, "late");
    await().atMost(TIMEOUT).until(() -> counter(a, "todo_replication_resends_total", c) >= 2);

    paused.countDown();
    await().atMost(TIMEOUT).untilAsserted(() ->
        assertThat(stored(c, "late").entries()).extracting(Entry::title).containsExactly("late"));
    assertThat(counter(a, "todo_store_failures_total", c)).isZero();
  }

  @Test
  void aSaturatedReplicaDoesNotTakeTheShareOfTheOthers() throws Exception {
    overloadC();
    for (int i = 0; i < IN_FLIGHT_PER_REPLICA; i++) store(a, "saturating-" + i); // each waits on c till the deadline

    for (int i = 0; i < 3; i++) store(a, "healthy-" + i); // acknowledged: a and b are a majority
    assertThat(counter(a, "todo_store_failures_total", c)).isGreaterThanOrEqualTo(3); // c's share is full: refused at once
    for (int i = 0; i < 3; i++) assertThat(stored(b, "healthy-" + i).version()).isEqualTo(1);
  }

  /** Keeps every thread of c's store busy until {@code paused} opens, then fills c's write queue until it refuses. */
  private void overloadC() throws InterruptedException {
    var config = c.actorSystem().settings().config();
    int threads = config.getInt("todo.db-dispatcher.thread-pool-executor.fixed-pool-size");
    Executor storeThreads = c.actorSystem().dispatchers().lookup(DispatcherSelector.fromConfig("todo.db-dispatcher"));
    CountDownLatch busy = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      storeThreads.execute(() -> {
        busy.countDown();
        try {
          paused.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    busy.await();
    String refusal = await().atMost(TIMEOUT).until(() -> {
      fillers++;
      var filler = c.database().storeLocal(new Change.Put("filler", fillers, new Entry(fillers, DAY, "filler", false, fillers)));
      return filler.toCompletableFuture().handle((ok, failure) -> failure).getNow(null); // refused at once, or still queued
    }, java.util.Objects::nonNull).getMessage();
    assertThat(refusal).contains("overloaded");
  }

  /** Stores the first version of {@code list} through {@code node}'s replication; it must be acknowledged. */
  private static void store(TodoSystem node, String list) {
    var change = new Change.Put(list, 1, new Entry(1, DAY, list, false, 1));
    node.database().store(Stamped.first(change)).toCompletableFuture().join();
  }

  private static todo.list.TodoList stored(TodoSystem node, String list) {
    return node.database().get(list).toCompletableFuture().join();
  }

  /** A counter of {@code node}'s {@code /metrics} for {@code replica}; 0 when absent. */
  private static long counter(TodoSystem node, String name, TodoSystem replica) throws Exception {
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{node=\"" + Pattern.quote(replica.settings().node()) + "\"[^}]*} (\\S+)$")
        .matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
