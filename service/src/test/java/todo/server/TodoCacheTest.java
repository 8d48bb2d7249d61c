package todo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.list.Entry;

/** The book's cache behaviours, on a real node with a real SQLite file. */
class TodoCacheTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir static Path dir;
  private static TodoSystem node;

  @BeforeAll
  static void start() {
    node = TestNodes.start("cache", dir, Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static TodoServer.Description describe(String list) {
    return node.cache().serverProcess(list).ask(TodoServer.Describe::new, TIMEOUT).toCompletableFuture().join();
  }

  private static TodoServer.WriteResult add(String list, String title) {
    return node.cache().serverProcess(list)
        .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, title, null, r), TIMEOUT).toCompletableFuture().join();
  }

  private static java.util.List<Entry> entries(String list) {
    return node.cache().serverProcess(list)
        .<TodoServer.Entries>ask(r -> new TodoServer.GetEntries(DAY, r), TIMEOUT).toCompletableFuture().join().entries();
  }

  private static void awaitStopped(ActorRef<TodoServer.Command> server) {
    TestProbe<Object> probe = TestProbe.create(node.actorSystem());
    probe.expectTerminated(server, Duration.ofSeconds(15));
  }

  @Test
  void aNameGivesTheSameServerEachTime() {
    assertThat(describe("same").server()).isEqualTo(describe("same").server());
  }

  @Test
  void twoNamesGiveTwoServers() {
    assertThat(describe("first").server()).isNotEqualTo(describe("second").server());
  }

  @Test
  void anAddedEntryCanBeReadBack() {
    add("read-back", "Dentist");
    assertThat(entries("read-back")).extracting(Entry::line).containsExactly("2018-12-19 Dentist");
  }

  @Test
  void theServerSaysWhichNodeServesTheList() {
    assertThat(describe("where").node()).isEqualTo("cache@localhost");
  }

  @Test
  void entriesSurviveTheAbruptDeathOfTheirServer() {
    add("survivor", "Dentist");
    add("survivor", "Shopping");
    ActorRef<TodoServer.Command> server = describe("survivor").server();
    node.actorSystem().classicSystem().stop(Adapter.toClassic(server)); // no goodbye, as Process.exit(pid, :kill)
    awaitStopped(server);

    assertThat(entries("survivor")).extracting(Entry::title).containsExactly("Dentist", "Shopping");
    assertThat(describe("survivor").server()).isNotEqualTo(server);
    assertThat(describe("survivor").version()).isEqualTo(2);
  }

  @Test
  void anIdleServerStopsAndComesBackWithItsEntries() {
    add("idle", "Dentist");
    ActorRef<TodoServer.Command> server = describe("idle").server();
    awaitStopped(server); // server expiry is 2 s on this node

    assertThat(entries("idle")).extracting(Entry::title).containsExactly("Dentist");
  }

  @Test
  void aListServedHereIsReadWithEveryAcknowledgedWrite() {
    for (int i = 0; i < 20; i++) {
      add("served-here", "t" + i);
      assertThat(node.cache().servedHere("served-here").entries(DAY)).extracting(Entry::title).endsWith("t" + i);
    }
  }

  @Test
  void aListOnlyReadHereKeepsItsServer() throws InterruptedException {
    add("only-read", "Dentist");
    ActorRef<TodoServer.Command> server = describe("only-read").server();
    for (int i = 0; i < 20; i++) { // twice the server expiry (2 s on this node), reading without a message
      assertThat(node.cache().servedHere("only-read").entries(DAY)).extracting(Entry::title).containsExactly("Dentist");
      Thread.sleep(200);
    }
    assertThat(describe("only-read").server()).isEqualTo(server);
  }

  @Test
  void aListOnlyWrittenHereKeepsItsServer() throws InterruptedException {
    add("only-written", "first");
    ActorRef<TodoServer.Command> server = describe("only-written").server();
    for (int i = 0; i < 20; i++) { // twice the server expiry, each write sent straight to the server
      String title = "t" + i;
      assertThat(node.cache().<TodoServer.WriteResult>ask("only-written", r -> new TodoServer.AddEntry(DAY, title, null, r), TIMEOUT)
          .toCompletableFuture().join()).isInstanceOf(TodoServer.Written.class);
      Thread.sleep(200);
    }
    assertThat(describe("only-written").server()).isEqualTo(server);
  }

  @Test
  void aStoppedServersListIsNotReadHere() {
    add("stopped-here", "Dentist");
    ActorRef<TodoServer.Command> server = describe("stopped-here").server();
    node.actorSystem().classicSystem().stop(Adapter.toClassic(server));
    awaitStopped(server);

    assertThat(node.cache().servedHere("stopped-here")).isNull();
  }

  @Test
  void aWriteIsOnDiskWhenItIsAcknowledged() {
    add("on-disk", "Dentist");
    assertThat(node.database().get("on-disk").toCompletableFuture().join().entries())
        .extracting(Entry::title).containsExactly("Dentist");
  }

  @Test
  void aRequestSentTwiceIsAppliedOnceAndAnsweredTwice() {
    TodoServer.WriteResult first = node.cache().serverProcess("twice").<TodoServer.WriteResult>ask(
        r -> new TodoServer.AddEntry(DAY, "Dentist", null, "request-1", r), TIMEOUT).toCompletableFuture().join();
    TodoServer.WriteResult again = node.cache().serverProcess("twice").<TodoServer.WriteResult>ask(
        r -> new TodoServer.AddEntry(DAY, "Dentist", null, "request-1", r), TIMEOUT).toCompletableFuture().join();

    assertThat(again).isEqualTo(first);
    assertThat(entries("twice")).hasSize(1);
  }

  @Test
  void aRequestSentAgainToARestartedServerIsStillAppliedOnce() {
    node.cache().serverProcess("restarted").<TodoServer.WriteResult>ask(
        r -> new TodoServer.AddEntry(DAY, "Dentist", null, "request-2", r), TIMEOUT).toCompletableFuture().join();
    ActorRef<TodoServer.Command> server = describe("restarted").server();
    node.actorSystem().classicSystem().stop(Adapter.toClassic(server));
    awaitStopped(server);

    // Sent again until answered, as ListServers does: a message the shard routes to the
    // stopped server before it learns of the stop is lost with it. The id keeps it to one write.
    TodoServer.WriteResult again = null;
    for (int attempt = 0; again == null && attempt < 10; attempt++) {
      again = node.cache().serverProcess("restarted").<TodoServer.WriteResult>ask(
              r -> new TodoServer.AddEntry(DAY, "Dentist", null, "request-2", r), Duration.ofSeconds(2))
          .toCompletableFuture().handle((answer, timedOut) -> answer).join();
    }

    assertThat(again).isInstanceOf(TodoServer.Written.class);
    assertThat(((TodoServer.Written) again).version()).isEqualTo(1);
    assertThat(entries("restarted")).hasSize(1);
  }

  @Test
  void concurrentWritesToOneListAreAllStoredInOrder() {
    var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<TodoServer.WriteResult>>();
    for (int i = 0; i < 200; i++) {
      String title = "t" + i;
      futures.add(node.cache().serverProcess("busy")
          .<TodoServer.WriteResult>ask(r -> new TodoServer.AddEntry(DAY, title, null, r), TIMEOUT).toCompletableFuture());
    }
    futures.forEach(java.util.concurrent.CompletableFuture::join);
    assertThat(futures).allSatisfy(f -> assertThat(f.join()).isInstanceOf(TodoServer.Written.class));
    var stored = node.database().get("busy").toCompletableFuture().join();
    assertThat(stored.version()).isEqualTo(200);
    assertThat(stored.entries()).extracting(Entry::id).doesNotHaveDuplicates().hasSize(200);
  }
}
