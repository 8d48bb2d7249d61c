package todo.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code todo faults}: a fault campaign. Starts a cluster of real nodes, runs
 * {@link Clients} against it while the {@link Nemesis} kills, pauses and partitions it,
 * then heals everything, waits for the nodes' stores to converge and has the
 * {@link Checker} judge the history against what every node holds. Writes the history,
 * the faults and the anomalies to a report; exits 0 only when nothing was lost,
 * resurrected, duplicated or divergent and the stores converged.
 */
public final class Campaign {

  /** What the nemesis may do; see {@link Nemesis}. */
  public enum Fault { KILL, PAUSE, PARTITION }

  /** What to run; see {@code todo faults --help}. */
  public record Settings(int nodes, Duration duration, int clients, int lists, long seed, boolean netns,
                         Set<Fault> faults, Duration faultInterval, Duration convergeTimeout,
                         Duration requestTimeout, String nodeJavaOpts, Path report, boolean keep) {}

  private final Settings s;
  private final PrintStream out;
  private History history; // its clock starts with the clients
  private final List<String> faultLog = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final AtomicBoolean cleanedUp = new AtomicBoolean();
  private Network network;
  private Path folder;

  private Campaign(Settings s, PrintStream out) {
    this.s = s;
    this.out = out;
  }

  /** Runs a campaign; the exit code: 0 clean and converged, 1 otherwise. */
  public static int run(Settings settings, PrintStream out) throws Exception {
    return new Campaign(settings, out).run();
  }

  private int run() throws Exception {
    folder = Files.createTempDirectory("todo-faults-");
    Thread hook = new Thread(this::cleanUp, "faults-cleanup");
    Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: no node or namespace outlives the campaign
    boolean clean = false;
    try {
      network = network();
      Set<Fault> faults = new java.util.TreeSet<>(s.faults());
      if (!network.canPartition() && faults.remove(Fault.PARTITION)) {
        say("no partitions: " + network.describe());
      }
      say("todo faults: " + s.nodes() + " nodes, " + s.duration().toSeconds() + " s, " + s.clients() + " clients, "
          + s.lists() + " lists, seed " + s.seed() + ", faults " + faults + "; data and logs in " + folder);
      say("network: " + network.describe());
      startCluster();

      history = new History(System.nanoTime());
      Clients clients = new Clients(nodes, history, s.lists(), s.seed(), s.requestTimeout());
      Nemesis nemesis = new Nemesis(nodes, network, faults, s.seed(), s.faultInterval().toMillis(), this::restart, this::fault);
      say("running clients and nemesis for " + s.duration().toSeconds() + " s");
      clients.start(s.clients());
      nemesis.start();
      Thread.sleep(s.duration().toMillis());
      nemesis.finish();
      long healedAt = System.nanoTime();
      clients.stop();

      say("healed; waiting for every node to serve and see the others");
      awaitServing(nemesis, Duration.ofMinutes(3));
      Map<String, Map<String, Checker.ListCopy>> reads = readAll(Duration.ofSeconds(90));
      say("waiting up to " + s.convergeTimeout().toSeconds() + " s for every node's store to hold the same versions");
      Map<String, Map<String, Checker.ListCopy>> stores = awaitConvergence(s.convergeTimeout());
      long convergedMs = Stores.unequal(List.copyOf(stores.values())).isEmpty()
          ? (System.nanoTime() - healedAt) / 1_000_000 : -1;

      List<Checker.Copy> copies = new ArrayList<>();
      stores.forEach((node, lists) -> copies.add(new Checker.Copy(node + " store", true, lists)));
      reads.forEach((node, lists) -> copies.add(new Checker.Copy("HTTP via " + node, false, lists)));
      List<Op> ops = history.ops();
      Checker.Verdict verdict = Checker.check(ops, copies);
      Summary summary = new Summary(s, network.describe(), ops, nemesis.counts(), verdict, convergedMs, s.convergeTimeout());
      clean = verdict.clean() && convergedMs >= 0;
      writeReport(summary, verdict, ops, stores);
      out.println();
      out.print(summary.table());
      out.println("report: " + s.report().toAbsolutePath() + (clean && !s.keep() ? "" : "; node logs and data: " + folder));
      return clean ? 0 : 1;
    } finally {
      stopNodes();
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or ran already
      }
      if (clean && !s.keep()) deleteFolder();
    }
  }

  private Network network() {
    if (!s.netns()) return new Network.Loopback("--no-netns");
    if (!isRoot()) return new Network.Loopback("not root: network namespaces need root");
    try {
      return Namespaces.create(s.nodes());
    } catch (IOException e) {
      say("WARNING: network namespaces are not available here (" + e.getMessage() + "); running on loopback");
      return new Network.Loopback("namespaces unavailable: " + e.getMessage());
    }
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String uid = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor() == 0 && uid.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void startCluster() throws Exception {
    int epmdPort = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("TODO_COOKIE", "faults-" + Long.toHexString(new java.security.SecureRandom().nextLong()));
    env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
    for (int i = 1; i <= s.nodes(); i++) {
      String address = network.address(i);
      int httpPort = network.canPartition() ? 5454 : freePort(); // each namespace has its own ports
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("TODO_HTTP_HOST", address);
      nodes.add(new Node(i, address, httpPort, network.launcher(i), javaCommand(), folder, nodeEnv));
    }
    say("starting " + nodes.stream().map(n -> n.name).toList());
    nodes.get(0).start(List.of(), "first node");
    await("n1 to serve", Duration.ofSeconds(90), () -> nodes.get(0).healthy());
    for (Node n : nodes.subList(1, nodes.size())) n.start(List.of(nodes.get(0).name), "joins n1");
    await("every node to serve and see the others", Duration.ofSeconds(120), this::allServingInMesh);
  }

  /** The JVM that runs this command, with the node's flags, on this command's own class path. */
  private List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : s.nodeJavaOpts().trim().split("\\s+")) if (!opt.isEmpty()) command.add(opt);
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      classPath.add(Path.of(entry).toAbsolutePath().toString());
    }
    command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classPath), "todo.cli.Main"));
    return command;
  }

  /** Starts {@code n} again on its folder, joining through every other node (the first that answers). */
  private void restart(Node n, String why) throws IOException {
    List<String> others = nodes.stream().filter(o -> o != n).map(o -> o.name).toList();
    n.start(others, why);
  }

  private boolean allServingInMesh() {
    for (Node n : nodes) {
      if (!n.healthy()) return false;
      try {
        var r = n.get("/api/cluster", Duration.ofSeconds(2));
        if (r.statusCode() != 200) return false;
        var seen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("nodes");
        List<String> names = new ArrayList<>();
        seen.forEach(x -> names.add(x.asText()));
        for (Node o : nodes) if (o != n && !names.contains(o.name)) return false;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void awaitServing(Nemesis nemesis, Duration timeout) throws Exception {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < giveUpAt) {
      nemesis.restartExitedNow(); // a node downed while paused exits once resumed
      if (allServingInMesh()) {
        Thread.sleep(1_000);
        if (allServingInMesh()) return;
      }
      Thread.sleep(500);
    }
    say("WARNING: not every node serves and sees the others after " + timeout.toSeconds() + " s; checking anyway");
  }

  /** Every list through every node, over HTTP, until each answers 200 (or the time is up). */
  private Map<String, Map<String, Checker.ListCopy>> readAll(Duration timeout) throws InterruptedException {
    Map<String, Map<String, Checker.ListCopy>> reads = new java.util.TreeMap<>();
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    for (Node n : nodes) {
      Map<String, Checker.ListCopy> lists = new java.util.TreeMap<>();
      for (int l = 0; l < s.lists(); l++) {
        String list = Clients.list(l);
        List<Checker.Row> rows = Clients.read(n, list, Duration.ofSeconds(10));
        while (rows == null && System.nanoTime() < giveUpAt) {
          Thread.sleep(500);
          rows = Clients.read(n, list, Duration.ofSeconds(10));
        }
        if (rows == null) say("WARNING: " + n + " did not answer the entries of " + list + "; not checked through it");
        else lists.put(list, new Checker.ListCopy(-1, rows));
      }
      reads.put(n.shortName(), lists);
    }
    return reads;
  }

  /** Reads every node's store until all hold the same version of every list, or the time is up; the last reading. */
  private Map<String, Map<String, Checker.ListCopy>> awaitConvergence(Duration timeout) throws Exception {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, Map<String, Checker.ListCopy>> stores = new java.util.TreeMap<>();
      for (Node n : nodes) stores.put(n.shortName(), Stores.read(n.dataFile()));
      List<String> unequal = Stores.unequal(List.copyOf(stores.values()));
      if (unequal.isEmpty() || System.nanoTime() > giveUpAt) {
        if (!unequal.isEmpty()) say("not converged after " + timeout.toSeconds() + " s: lists " + unequal);
        return stores;
      }
      Thread.sleep(500);
    }
  }

  private void writeReport(Summary summary, Checker.Verdict verdict, List<Op> ops,
                           Map<String, Map<String, Checker.ListCopy>> stores) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(summary.table());
    lines.add("== anomalies (" + verdict.all().size() + ")");
    verdict.all().forEach(a -> lines.add(a.toString()));
    lines.add("== notes (" + verdict.notes().size() + ")");
    lines.addAll(verdict.notes());
    lines.add("== final versions of each list, per node store");
    java.util.Set<String> lists = new java.util.TreeSet<>();
    stores.values().forEach(m -> lists.addAll(m.keySet()));
    for (String list : lists) {
      StringBuilder b = new StringBuilder(list + ":");
      stores.forEach((node, m) -> b.append(' ').append(node).append('=')
          .append(m.containsKey(list) ? m.get(list).version() + "/" + m.get(list).rows().size() + " rows" : "-"));
      lines.add(b.toString());
    }
    lines.add("== faults");
    synchronized (faultLog) {
      lines.addAll(faultLog);
    }
    lines.add("== history: seq, sent..answered (ms), client, kind, list, id, title, completed, node, outcome, status, detail");
    ops.stream().sorted(Comparator.comparingLong(Op::seq)).forEach(op -> lines.add(op.toString()));
    Path report = s.report().toAbsolutePath();
    if (report.getParent() != null) Files.createDirectories(report.getParent());
    Files.write(report, lines);
  }

  private void fault(String what) {
    String line = String.format("%8.1f s  %s", history == null ? 0.0 : history.nowMs() / 1000.0, what);
    synchronized (faultLog) {
      faultLog.add(line);
    }
    say(line);
  }

  private void stopNodes() {
    for (Node n : nodes) {
      try {
        n.stop(Duration.ofSeconds(15));
      } catch (Exception e) {
        say("could not stop " + n + ": " + e);
      }
    }
  }

  /** Kills what still runs and removes the namespaces; runs once (normal end or Ctrl-C). */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) return;
    for (Node n : nodes) {
      try {
        n.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (network != null) network.close();
  }

  private void deleteFolder() {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      say("could not remove " + folder + ": " + e.getMessage());
    }
  }

  private interface Condition {
    boolean met() throws Exception;
  }

  private void await(String what, Duration timeout, Condition condition) throws Exception {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (!condition.met()) {
      for (Node n : nodes) {
        if (n.exitCode() != null) throw new IllegalStateException(n + " exited with " + n.exitCode() + " while waiting for "
            + what + "; see " + n.log());
      }
      if (System.nanoTime() > giveUpAt) throw new IllegalStateException("gave up waiting for " + what + " after " + timeout);
      Thread.sleep(250);
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
