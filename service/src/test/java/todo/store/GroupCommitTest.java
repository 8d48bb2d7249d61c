package todo.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.list.TodoList;

/** One node in this JVM, with the default synced commits: writes that queue together share a commit. */
class GroupCommitTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");
  private static final int WRITES = 300;

  @TempDir Path dir;
  private TodoSystem node;

  @BeforeEach
  void start() {
    node = TestNodes.start("group", dir);
  }

  @AfterEach
  void stop() {
    node.stop();
  }

  @Test
  void writesThatQueueDuringACommitShareTheNext() throws Exception {
    double commits = metric("todo_store_commits_total");
    double writes = metric("todo_store_commit_writes_total");

    List<CompletableFuture<?>> stored = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      var change = TodoList.empty("list" + i).add(DAY, "Dentist", null).change();
      stored.add(node.database().storeLocal(change).toCompletableFuture());
    }
    CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).join();

    assertThat(metric("todo_store_commit_writes_total") - writes).isEqualTo(WRITES);
    assertThat(metric("todo_store_commits_total") - commits)
        .as("commits of %d writes offered at once", WRITES).isLessThanOrEqualTo(WRITES / 2.0);
  }

  private double metric(String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
    }
    return 0;
  }
}
