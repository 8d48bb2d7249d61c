package todo.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import todo.launch.ProductJar;

/**
 * A rolling restart under the book's load mix (issue 13): three real nodes; clients sending
 * {@code add_entry} and {@code entries} on many lists through a load balancer that checks
 * each node's readiness ({@link Balancer.ByReadiness}); and each node in turn stopped
 * gracefully, started again on its folder and waited for until ready, then the next. No
 * write acknowledged with 200 may be missing from what any node answers afterwards, and no
 * request may get a 5xx: a node that stops must finish what it accepted and stop accepting
 * before it can no longer serve.
 */
class RollingRestartIT {

  /** The checkout, whose service/target/todo.jar the nodes run (the build sets todo.checkout). */
  private static final Path PROJECT = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize();
  private static final int CLIENTS = 6;
  private static final int LISTS = 200;
  /**
   * The launcher's own flags (docs/OPERATIONS.md, "The JVM's flags"), as an operator runs a
   * node, and C1 alone: six node starts are most of this test's CPU, and C2's compilations
   * never pay back in its two minutes.
   */
  private static final String NODE_JAVA_OPTS = "-XX:+UseSerialGC -Xms32m -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1";
  /** How often the balancer checks readiness: a node must keep serving at least this long once it says it stops. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);

  @Test
  void restartingEachNodeInTurnUnderTheBookMixLosesNoAcknowledgedWriteAndAnswersNo5xx() throws Exception {
    long seed = Math.abs(System.nanoTime() % 1_000_000);
    Path folder = Files.createTempDirectory("todo-roll-");
    CampaignNodes cluster = new CampaignNodes(3, PROJECT.resolve(ProductJar.IN_CHECKOUT), new Network.Loopback("a rolling restart"),
        folder, NODE_JAVA_OPTS,
        RollingRestartIT::say);
    boolean passed = false;
    try {
      cluster.start();
      History history = new History(System.nanoTime());
      List<String> steps = new ArrayList<>();
      try (Balancer.ByReadiness balancer = new Balancer.ByReadiness(cluster.nodes, CHECK_INTERVAL)) {
        Clients clients = new Clients(balancer, Clients.Mix.BOOK, history, LISTS, seed, Duration.ofSeconds(10));
        clients.start(CLIENTS);
        awaitMoreAcknowledged(history, 50);
        for (CampaignNode n : cluster.nodes) {
          long asked = history.nowMs();
          int exit = stopGracefully(n, cluster.env);
          long exited = history.nowMs();
          cluster.restart(n, "rolling restart");
          awaitReady(n);
          long ready = history.nowMs();
          steps.add(String.format("%s: stopped in %.1f s (exit %d; longest request meanwhile %d ms), started and ready in"
                  + " %.1f s (longest request meanwhile %d ms)", n, (exited - asked) / 1000.0, exit,
              longestRequest(history.ops(), asked, exited), (ready - exited) / 1000.0, longestRequest(history.ops(), exited, ready)));
          say(steps.get(steps.size() - 1));
          awaitMoreAcknowledged(history, 30); // the three serve together a while before the next stop
        }
        clients.stop();
      }

      List<Op> ops = history.ops();
      List<String> written = ops.stream().filter(op -> op.kind() == Op.Kind.ADD).map(Op::list).distinct().sorted().toList();
      Map<String, Map<String, Checker.ListCopy>> reads = cluster.readOverHttp(written, Duration.ofSeconds(60));
      List<Checker.Copy> copies = new ArrayList<>();
      reads.forEach((node, lists) -> copies.add(new Checker.Copy("HTTP via " + node, false, lists)));
      Checker.Verdict verdict = Checker.check(ops, copies);

      String report = report(ops, steps, verdict);
      say(report);
      Path kept = Files.createDirectories(Path.of("target", "faults", "rolling-restart-" + seed));
      Files.writeString(kept.resolve("report.txt"), report + "\n" + ops.stream().map(Op::toString).collect(Collectors.joining("\n")) + "\n");
      for (CampaignNode n : cluster.nodes) Files.copy(n.log(), kept.resolve(n.shortName() + ".log"));
      say("report, history and node logs: " + kept.toAbsolutePath());
      assertThat(reads).as("every node answered the lists read back").allSatisfy((node, lists) ->
          assertThat(lists.keySet()).as("lists read through %s", node).containsExactlyElementsOf(written));
      assertThat(verdict.all()).as("anomalies:\n%s", report).isEmpty();
      assertThat(ops.stream().filter(op -> op.status() / 100 == 5).map(Op::toString)).as("answers 5xx").isEmpty();
      assertThat(ops.stream().filter(op -> op.status() < 0).map(Op::toString))
          .as("requests with no answer (a time-out, or a connection lost after sending)").isEmpty();
      passed = true;
    } finally {
      cluster.kill();
      cluster.removeJarCopy();
      if (passed) deleteFolder(folder);
      else say("node logs and data: " + folder);
    }
  }

  /**
   * Stops {@code node} as an operator does, with {@code todo stop NODE@HOST}: the node runs its
   * CoordinatedShutdown (HTTP drains, its lists' servers hand over, it leaves the replica set
   * and the cluster). The command must succeed and the process exit; its exit code.
   */
  private static int stopGracefully(CampaignNode node, Map<String, String> env) throws Exception {
    say("todo stop " + node.name);
    ProcessBuilder stop = new ProcessBuilder(PROJECT.resolve("todo").toString(), "stop", node.name)
        .redirectErrorStream(true);
    stop.environment().putAll(env);
    Process p = stop.start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("todo stop %s returned", node.name).isTrue();
    assertThat(p.exitValue()).as("todo stop %s: %s", node.name, output).isZero();
    assertThat(node.awaitExit(Duration.ofSeconds(60))).as("%s exited within 60 s of todo stop", node).isTrue();
    return node.exitCode();
  }

  private static void awaitReady(CampaignNode node) throws InterruptedException {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!node.ready()) {
      assertThat(node.alive()).as("%s runs after its start (see %s)", node, node.log()).isTrue();
      assertThat(System.nanoTime()).as("%s ready within 120 s", node).isLessThan(giveUpAt);
      Thread.sleep(100);
    }
  }

  private static void awaitMoreAcknowledged(History history, int more) throws InterruptedException {
    long target = acknowledged(history.ops()) + more;
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (acknowledged(history.ops()) < target) {
      assertThat(System.nanoTime()).as("%d more writes acknowledged within 60 s", more).isLessThan(giveUpAt);
      Thread.sleep(100);
    }
  }

  private static long acknowledged(List<Op> ops) {
    return ops.stream().filter(op -> op.writes() && op.acknowledged()).count();
  }

  private static long longestRequest(List<Op> ops, long fromMs, long toMs) {
    return ops.stream().filter(op -> op.endMs() >= fromMs && op.startMs() <= toMs).mapToLong(op -> op.endMs() - op.startMs())
        .max().orElse(0);
  }

  /** The counts the issue asks for, the restarts' times and the anomalies, if any. */
  private static String report(List<Op> ops, List<String> steps, Checker.Verdict verdict) {
    Map<String, Long> byStatus = new TreeMap<>(ops.stream().collect(Collectors.groupingBy(
        op -> op.status() < 0 ? "no answer" : String.valueOf(op.status()), Collectors.counting())));
    List<String> retried = ops.stream().filter(op -> op.detail().startsWith("retried")).map(Op::toString).toList();
    StringBuilder b = new StringBuilder("rolling restart of 3 nodes under the book's mix\n");
    b.append(String.format("  requests %d (add_entry %d, entries %d); writes acknowledged %d%n", ops.size(),
        ops.stream().filter(Op::writes).count(), ops.stream().filter(op -> !op.writes()).count(), acknowledged(ops)));
    b.append("  answers by status: ").append(byStatus).append('\n');
    b.append("  sent again to another node after a refused connection: ").append(retried.size()).append('\n');
    retried.stream().limit(10).forEach(r -> b.append("    ").append(r).append('\n'));
    ops.stream().filter(op -> op.status() != 200).limit(20).forEach(op -> b.append("  not 200: ").append(op).append('\n'));
    steps.forEach(s -> b.append("  ").append(s).append('\n'));
    b.append("  anomalies: ").append(verdict.all().size()).append('\n');
    verdict.all().stream().limit(20).forEach(a -> b.append("    ").append(a).append('\n'));
    return b.toString();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void deleteFolder(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
