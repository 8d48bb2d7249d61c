package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.titles;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.launch.FreePort;
import todo.node.EpmdClient;
import todo.store.StoreReader;

/**
 * The operator's commands on a running two-node cluster of real JVMs: the admin routes
 * behind the cookie's credential, {@code todo forget} failing in one line however a node
 * cannot be reached, and {@code todo backup} under a steady stream of writes, then restored
 * onto a node killed with SIGKILL, which catches up from the other on what came after.
 * Two nodes, so that every acknowledged write is on both (a majority of two): the backed-up
 * node holds each write acknowledged before its backup began.
 */
class ClusterAdminIT {

  private static final Duration COMMAND = Duration.ofSeconds(90);
  private static final String LIST = "backed";

  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (NodeProcess n : nodes) n.close();
  }

  @Test
  void adminCommandsBackupUnderLoadAndRestore() throws Exception {
    NodeProcess a1 = node("a1").start();
    NodeProcess a2 = node("a2").launch("--connect", a1.name()).awaitHealthy();
    awaitMesh(a1, a2);

    theAdminRoutesNeedTheCredential(a1);
    forgetSaysInOneLineWhyItCannot(a1);

    Path backups = Files.createDirectory(dir.resolve("backups"));
    Path backup;
    List<String> acknowledgedBeforeBackup;
    List<String> acknowledged;
    try (Clusters.Writer client = new Clusters.Writer(a2, LIST, "entry", Duration.ofSeconds(30), false)) {
      client.awaitMoreAcknowledged(30, Duration.ofSeconds(60));
      synchronized (client.acknowledged) {
        acknowledgedBeforeBackup = List.copyOf(client.acknowledged);
      }
      NodeProcess.Result taken = NodeProcess.run(COMMAND, "backup", a1.name(), backups.toString());
      assertThat(taken.exitCode()).as(taken.output()).isZero();
      backup = onlyFileIn(backups);
      assertThat(taken.output().strip()).doesNotContain("\n").startsWith(backup.toString())
          .contains(String.format("%,d bytes", Files.size(backup))).contains(" list").contains(" changes");
      client.awaitMoreAcknowledged(30, Duration.ofSeconds(60)); // the writer was not held up; these are not in the backup
      a1.kill();
      acknowledged = client.stop();
    }

    assertThat(sqlite3(backup, "PRAGMA integrity_check;")).isEqualTo("ok");
    List<String> inBackup = List.of(sqlite3(backup,
        "SELECT title FROM entries WHERE list = '" + LIST + "' AND deleted = 0 ORDER BY id;").split("\n"));
    assertThat(inBackup).as("the backup, read by sqlite3").containsAll(acknowledgedBeforeBackup).doesNotHaveDuplicates();

    // The restore of docs/OPERATIONS.md: the node is stopped; its file (and its WAL) replaced by the backup; started again.
    Path file = a1.dataFile();
    for (String stale : List.of("todo.db-wal", "todo.db-shm")) Files.deleteIfExists(file.resolveSibling(stale));
    Files.copy(backup, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    a1.start("--connect", a2.name());
    awaitMesh(a1, a2);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      try (StoreReader restored = StoreReader.open(file)) {
        assertThat(restored.entries(LIST).stream().map(StoreReader.StoredEntry::title).toList())
            .as("%s's own file, caught up after the restore", a1.name()).containsAll(acknowledged).doesNotHaveDuplicates();
      }
    });
    assertThat(titles(a1, LIST)).as("served by %s", a1.name()).containsAll(acknowledged).doesNotHaveDuplicates();
    assertThat(acknowledged.size()).as("writes after the backup, restored by catch-up").isGreaterThan(acknowledgedBeforeBackup.size());
  }

  private void theAdminRoutesNeedTheCredential(NodeProcess a1) throws Exception {
    HttpResponse<String> anyone = a1.post("/api/cluster/forget?node=ghost@127.0.0.1");
    assertThat(anyone.statusCode()).isEqualTo(401);
    assertThat(anyone.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"todo-cluster\"");
    assertThat(anyone.body()).doesNotContain("\n").contains("admin credential");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(a1.logLines("Refused POST /api/cluster/forget")).as("a1's log").hasSize(1));
  }

  /** Each way {@code todo forget} can fail, one line each, run side by side; then once with success. */
  private void forgetSaysInOneLineWhyItCannot(NodeProcess a1) throws Exception {
    EpmdClient portMapper = new EpmdClient(TestNodes.EPMD_PORT);
    try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // takes connections, never answers
         Socket refusing = portMapper.register("stale", 9, url(FreePort.pick()));
         Socket silent = portMapper.register("mute", 9, url(mute.getLocalPort()))) {
      Map<String, String[]> expected = new LinkedHashMap<>(); // what the line says -> the command
      expected.put("not registered", args("forget", "x@127.0.0.1", "--node", "nobody@127.0.0.1"));
      expected.put("refuses connections", args("forget", "x@127.0.0.1", "--node", "stale@127.0.0.1"));
      expected.put("did not answer", args("forget", "x@127.0.0.1", "--node", "mute@127.0.0.1", "--timeout", "2"));
      expected.put("refused the admin credential", args("forget", "x@127.0.0.1", "--node", a1.name(), "--cookie", "not-it"));
      expected.put("must look like name@host", args("forget", "no host", "--node", a1.name()));
      expected.put("is not a folder", args("backup", a1.name(), dir.resolve("no-such-folder").toString()));
      Map<String, CompletableFuture<NodeProcess.Result>> runs = new LinkedHashMap<>();
      ExecutorService side = Executors.newFixedThreadPool(3);
      try {
        expected.forEach((line, command) -> runs.put(line, CompletableFuture.supplyAsync(() -> run(Map.of(), command), side)));
        runs.put("cannot reach the port mapper", CompletableFuture.supplyAsync(() -> run(
            Map.of("ERL_EPMD_PORT", String.valueOf(FreePort.pick())), args("forget", "x@127.0.0.1", "--node", a1.name())), side));
        for (var run : runs.entrySet()) {
          NodeProcess.Result r = run.getValue().join();
          assertThat(r.output().strip()).as(run.getKey()).startsWith("todo: ").contains(run.getKey()).doesNotContain("\n");
          boolean badInput = run.getKey().equals("must look like name@host") || run.getKey().equals("is not a folder");
          assertThat(r.exitCode()).as(run.getKey() + ": " + r.output()).isEqualTo(badInput ? 2 : 1);
        }
      } finally {
        side.shutdown();
      }
    }
    NodeProcess.Result forgotten = run(Map.of(), args("forget", "ghost@127.0.0.1", "--node", a1.name()));
    assertThat(forgotten.exitCode()).as(forgotten.output()).isZero();
    assertThat(forgotten.output()).contains("ghost@127.0.0.1 is forgotten");
  }

  private NodeProcess node(String sname) {
    NodeProcess n = new NodeProcess(sname, dir, TestNodes.freePort());
    nodes.add(n);
    return n;
  }

  private static NodeProcess.Result run(Map<String, String> env, String... args) {
    try {
      return NodeProcess.runWith(env, "", COMMAND, args);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String[] args(String... args) {
    return args;
  }

  private static byte[] url(int port) {
    return ("http://127.0.0.1:" + port).getBytes(StandardCharsets.UTF_8);
  }

  private static Path onlyFileIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> all = files.toList();
      assertThat(all).as("the backup folder holds the backup, and no temporary file").hasSize(1);
      assertThat(all.get(0).getFileName().toString()).matches("a1@127\\.0\\.0\\.1-\\d{8}T\\d{6}\\.db");
      return all.get(0);
    }
  }

  /** {@code sql} run by the sqlite3 command line tool on {@code file} (.ci/run installs it); its output, stripped. */
  private static String sqlite3(Path file, String sql) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("sqlite3", "-readonly", file.toString(), sql).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("the sqlite3 command line tool is needed (apt-get install sqlite3): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("sqlite3 %s: %s", sql, out).isZero();
    return out.strip();
  }
}
