package todo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.store.StoreReader;

/** One real node, started with ./todo as a child JVM, killed with SIGKILL, started again. */
class SingleNodeProcessIT {

  @TempDir Path dir;
  private NodeProcess node;

  @AfterEach
  void cleanUp() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void everyAcknowledgedEntrySurvivesSigkill() throws Exception {
    int port = TestNodes.freePort();
    node = new NodeProcess("crash1", dir, port).start();
    assertThat(node.command()).endsWith("java"); // the launcher exec'd: SIGKILL hits the JVM itself

    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread client = new Thread(() -> {
      for (int i = 0; writing.get(); i++) {
        String title = "entry-" + i;
        try {
          if (node.post("/add_entry?list=bob&date=2018-12-19&title=" + title).body().equals("OK")) acknowledged.add(title);
        } catch (Exception connectionLost) {
          return;
        }
      }
    });
    client.start();
    Thread.sleep(1500); // let writes flow, then pull the plug in the middle of them
    node.kill();
    writing.set(false);
    client.join();
    assertThat(acknowledged).as("writes acknowledged before the kill").isNotEmpty();

    node = new NodeProcess("crash1", dir, port).start();
    String[] lines = node.get("/entries?list=bob&date=2018-12-19").body().split("\n");
    List<String> titles = new ArrayList<>();
    for (String line : lines) titles.add(line.substring("2018-12-19 ".length()));
    assertThat(titles).containsAll(acknowledged).doesNotHaveDuplicates();
  }

  @Test
  void theBookSessionIsStoredInTheNodesOwnSqliteFile() throws Exception {
    node = new NodeProcess("book1", dir, TestNodes.freePort()).start();
    assertThat(node.post("/add_entry?list=bob&date=2018-12-19&title=Dentist").body()).isEqualTo("OK");
    assertThat(node.get("/entries?list=bob&date=2018-12-19").body()).isEqualTo("2018-12-19 Dentist");

    assertThat(node.dataFile()).isEqualTo(dir.resolve("book1/todo.db"));
    try (StoreReader store = StoreReader.open(node.dataFile())) {
      List<StoreReader.StoredEntry> entries = store.entries("bob");
      assertThat(entries).isNotEmpty();
      assertThat(entries.get(0).date() + " " + entries.get(0).title()).isEqualTo("2018-12-19 Dentist");
    }
  }

  @Test
  void theChaptersShellStepsWorkInAShellWithDataAsOverHttp() throws Exception {
    int port = TestNodes.freePort();
    String entries = "http://127.0.0.1:" + port + "/entries?list=Bob&date=2023-12-19";
    NodeProcess.Result r = NodeProcess.run(Duration.ofMinutes(2), "shell", "--sname", "shell1", "--http-port",
        String.valueOf(port), "--db-folder", dir.toString(), "--eval", """
            var bob = Todo.Cache.serverProcess("Bob")
            var dentist = bob.addEntry(LocalDate.parse("2023-12-19"), "Dentist")
            bob.entries(LocalDate.parse("2023-12-19"))
            var http = java.net.http.HttpClient.newHttpClient()
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("%s")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()
            bob.updateEntry(dentist.id(), "Dentist at 10")
            Todo.Cache.serverProcess("Bob").deleteEntry(dentist.id())
            bob.entries()
            bob.deleteEntry(dentist.id())
            """.formatted(entries));
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1); // the last line: a write to an entry that is gone
    assertThat(r.output()).contains(
        "bob ==> #TodoServer<Bob on shell1@",
        "dentist ==> Entry[id=1, date=2023-12-19, title=Dentist, completed=false, order=1]",
        "==> [Entry[id=1, date=2023-12-19, title=Dentist, completed=false, order=1]]",
        "==> \"2023-12-19 Dentist\"", // the same entry, over HTTP
        "==> Entry[id=1, date=2023-12-19, title=Dentist at 10, completed=false, order=1]",
        "==> true",
        "==> []",
        "todo: list Bob has no entry 1");
  }

  @Test
  void sigtermLeavesGracefully() throws Exception {
    node = new NodeProcess("term1", dir, TestNodes.freePort()).start();
    node.post("/add_entry?list=bob&date=2018-12-19&title=Dentist");
    assertThat(node.terminate()).as("the JVM's status after SIGTERM and its shutdown hooks").isEqualTo(143);
    assertThat(node.log()).contains("Node term1@").contains("is leaving").doesNotContain("ERROR").doesNotContain("WARN");
  }

  @Test
  void aBusyPortIsOneLineAndExitCodeTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(90), "start", "--sname", "busy1",
          "--http-port", String.valueOf(taken.getLocalPort()), "--db-folder", dir.toString());
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.output().strip()).doesNotContain("\n").contains("port").contains(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void badFlagsAreOneLineAndExitCodeTwo() throws Exception {
    for (String[] args : List.of(
        new String[] {"start", "--no-such-flag"},
        new String[] {"start", "--http-port", "abc"},
        new String[] {"start", "--http-port", "70000"},
        new String[] {"start", "--sname", "a b"},
        new String[] {"start", "--name", "no-host"},
        new String[] {"nonsense"})) {
      NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(60), args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.output().strip()).as(String.join(" ", args)).doesNotContain("\n").startsWith("todo:");
    }
  }

  @Test
  void startHelpListsTheFlags() throws Exception {
    NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(60), "start", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).contains("--sname", "--name", "--cookie", "--http-port", "--db-folder");
  }

  @Test
  void versionPrintsTheVersion() throws Exception {
    NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(60), "version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.output().strip()).matches("todo-cluster \\d+\\.\\d+\\.\\d+.*");
  }
}
