package todo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node under strace: by default ({@code todo.db.synchronous = FULL}) every commit of
 * its store is synced to disk (an fsync or fdatasync) before the write is acknowledged; with
 * the NORMAL opt-out far fewer are. Counts, not times: commits from {@code /metrics}, syncs
 * from strace. Skipped, with the reason, where strace is missing or may not trace.
 */
class SyncedCommitsIT {

  private static final int WRITES = 200;
  private static final String JVM_FLAGS = "-XX:+UseParallelGC -Xms256m -Xmx512m";
  /** The start of a traced sync call; a call another thread interrupted ends on a "resumed" line of its own. */
  private static final Pattern SYNC = Pattern.compile("\\b(fsync|fdatasync)\\((\\d+)(<([^>]*)>)?");

  @TempDir Path dir;
  private NodeProcess node;
  private Process strace;

  @AfterEach
  void cleanUp() throws Exception {
    if (strace != null && strace.isAlive()) {
      strace.destroy(); // SIGTERM: strace detaches, and the node runs on untraced
      strace.waitFor();
    }
    if (node != null) node.close();
  }

  @Test
  void everyCommitIsSyncedBeforeItsWriteIsAcknowledged() throws Exception {
    node = new NodeProcess("synced1", dir, TestNodes.freePort()).start();
    Traced t = writeUnderStrace();
    assertThat(t.commits()).as("commits of %d writes in a row", WRITES).isGreaterThanOrEqualTo(WRITES);
    assertThat(t.syncs()).as("fsync + fdatasync calls, by file: %s", t.byFile()).isGreaterThanOrEqualTo(t.commits());
  }

  /** The same count fails when commits are not synced: this is what the test above tells apart. */
  @Test
  void withSynchronousNormalMostCommitsAreNotSynced() throws Exception {
    node = new NodeProcess("normal1", dir, TestNodes.freePort())
        .env("TODO_JAVA_OPTS", JVM_FLAGS + " -Dtodo.db.synchronous=NORMAL").start();
    Traced t = writeUnderStrace();
    assertThat(t.commits()).as("commits of %d writes in a row", WRITES).isGreaterThanOrEqualTo(WRITES);
    assertThat(t.syncs()).as("fsync + fdatasync calls, by file: %s", t.byFile()).isLessThan(t.commits() / 10);
  }

  @Test
  void aBadSynchronousIsOneLineAndExitCodeTwo() throws Exception {
    node = new NodeProcess("badsync1", dir, TestNodes.freePort())
        .env("TODO_JAVA_OPTS", JVM_FLAGS + " -Dtodo.db.synchronous=sometimes").launch();
    assertThat(node.awaitExit(Duration.ofSeconds(90))).as(node.log()).hasValue(2);
    assertThat(node.logLines("todo:")).containsExactly("todo: todo.db.synchronous must be FULL or NORMAL, not 'sometimes'");
  }

  /** What strace saw while {@link #WRITES} writes were acknowledged one after another. */
  private record Traced(long commits, long syncs, Map<String, Integer> byFile) {}

  private Traced writeUnderStrace() throws Exception {
    Path trace = dir.resolve("strace.out");
    Path messages = dir.resolve("strace.err");
    startStrace(trace, messages);
    long before = commits();
    for (int i = 0; i < WRITES; i++) {
      assertThat(node.post("/add_entry?list=synced&date=2018-12-19&title=entry-" + i).body()).isEqualTo("OK");
    }
    long commits = commits() - before;
    strace.destroy(); // SIGTERM: strace detaches and writes out what it saw
    strace.waitFor();

    Map<String, Integer> byFile = new TreeMap<>();
    long syncs = 0;
    for (String line : Files.readAllLines(trace)) {
      Matcher m = SYNC.matcher(line);
      if (!m.find()) continue;
      syncs++;
      String file = m.group(4) != null ? Path.of(m.group(4)).getFileName().toString() : "fd " + m.group(2);
      byFile.merge(m.group(1) + " " + file, 1, Integer::sum);
    }
    return new Traced(commits, syncs, byFile);
  }

  /**
   * Attaches strace to every thread of the node (and those it starts later), logging each
   * fsync and fdatasync with the file it syncs; returns once strace has attached.
   */
  private void startStrace(Path trace, Path messages) throws IOException {
    try {
      strace = new ProcessBuilder("strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace.toString(),
          "-p", String.valueOf(node.pid()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(messages.toFile()).start();
    } catch (IOException missing) {
      Assumptions.abort("strace is not installed (apt-get install strace): cannot count the node's syncs");
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        Files.readString(messages).contains("attached") || !strace.isAlive());
    if (!strace.isAlive()) {
      List<String> said = Files.readAllLines(messages);
      Assumptions.abort("strace cannot trace the node (is ptrace permitted here?): " + String.join(" ", said));
    }
  }

  /** {@code todo_store_commits_total}: transactions the node's writer committed. */
  private long commits() throws Exception {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith("todo_store_commits_total ")) return (long) Double.parseDouble(line.split(" ")[1]);
    }
    throw new AssertionError("no todo_store_commits_total in /metrics");
  }
}
