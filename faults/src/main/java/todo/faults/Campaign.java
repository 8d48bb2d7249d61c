package todo.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code todo faults}: a fault campaign. Starts {@link CampaignNodes}, real nodes, runs
 * {@link Clients} against it while the {@link Nemesis} kills, pauses and partitions it,
 * then heals everything, waits for the nodes' stores to converge and has the
 * {@link Checker} judge the history against what every node holds. Writes a
 * {@link Report}; exits 0 only when nothing was lost, resurrected, duplicated or
 * divergent and the stores converged.
 */
public final class Campaign {

  /** What the nemesis may do; see {@link Nemesis}. On the command line: lower case, {@code -} for {@code _}. */
  public enum Fault { KILL, PAUSE, PARTITION, STOP, STOP_ALL }

  /** What to run; see {@code todo faults --help}. */
  public record Settings(int nodes, Duration duration, int clients, int lists, long seed, boolean netns,
                         Set<Fault> faults, Duration faultInterval, Duration convergeTimeout,
                         Duration requestTimeout, String nodeJavaOpts, Path report, boolean keep) {}

  private final Settings s;
  private final PrintStream out;
  private final List<String> faultLog = new ArrayList<>();
  private final AtomicBoolean cleanedUp = new AtomicBoolean();
  private History history; // its clock starts with the clients
  private Network network;
  private CampaignNodes cluster;
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
    Report.prepare(s.report());
    folder = Files.createTempDirectory("todo-faults-");
    Thread hook = new Thread(this::cleanUp, "faults-cleanup");
    Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: no node or namespace outlives the campaign
    boolean clean = false;
    try {
      network = network();
      Set<Fault> faults = new TreeSet<>(s.faults());
      if (!network.canPartition() && faults.remove(Fault.PARTITION)) say("no partitions: " + network.describe());
      say("todo faults: " + s.nodes() + " nodes, " + s.duration().toSeconds() + " s, " + s.clients() + " clients, "
          + s.lists() + " lists, seed " + s.seed() + ", faults " + faults + "; data and logs in " + folder);
      say("network: " + network.describe());
      cluster = new CampaignNodes(s.nodes(), todo.launch.ProductJar.path(), network, folder, s.nodeJavaOpts(), this::say);
      cluster.start();

      history = new History(System.nanoTime());
      Clients clients = new Clients(Balancer.anyNode(cluster.nodes), Clients.Mix.EDITS, history, s.lists(), s.seed(), s.requestTimeout());
      Nemesis nemesis = new Nemesis(cluster, network, faults, s.seed(), s.faultInterval().toMillis(), this::fault);
      say("running clients and nemesis for " + s.duration().toSeconds() + " s");
      clients.start(s.clients());
      nemesis.start();
      Thread.sleep(s.duration().toMillis());
      nemesis.finish();
      long healedAt = System.nanoTime();
      clients.stop();

      say("healed; waiting for every node to serve and see the others");
      cluster.awaitServing(nemesis, Duration.ofMinutes(3));
      List<String> lists = IntStream.range(0, s.lists()).mapToObj(Clients::list).toList();
      Map<String, Map<String, Checker.ListCopy>> reads = cluster.readOverHttp(lists, Duration.ofSeconds(90));
      say("waiting up to " + s.convergeTimeout().toSeconds() + " s for every node's store to hold the same versions");
      Map<String, Map<String, Checker.ListCopy>> stores = cluster.awaitConvergence(s.convergeTimeout());
      long convergedMs = Stores.unequal(List.copyOf(stores.values())).isEmpty()
          ? (System.nanoTime() - healedAt) / 1_000_000 : -1;

      List<Checker.Copy> copies = new ArrayList<>();
      stores.forEach((node, l) -> copies.add(new Checker.Copy(node + " store", true, l)));
      reads.forEach((node, l) -> copies.add(new Checker.Copy("HTTP via " + node, false, l)));
      List<Op> ops = history.ops();
      Checker.Verdict verdict = Checker.check(ops, copies);
      Summary summary = new Summary(s, network.describe(), ops, nemesis.counts(), verdict, convergedMs, s.convergeTimeout());
      clean = summary.passed();
      synchronized (faultLog) {
        Report.write(s.report(), summary, ops, stores, faultLog);
      }
      out.println();
      out.print(summary.table());
      out.println("report: " + s.report().toAbsolutePath() + (clean && !s.keep() ? "" : "; node logs and data: " + folder));
      return clean ? 0 : 1;
    } finally {
      if (cluster != null) cluster.stop();
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

  private void fault(String what) {
    String line = String.format("%8.1f s  %s", history == null ? 0.0 : history.nowMs() / 1000.0, what);
    synchronized (faultLog) {
      faultLog.add(line);
    }
    say(line);
  }

  /** Kills what still runs and removes the namespaces; runs once (normal end or Ctrl-C). */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) return;
    if (cluster != null) {
      cluster.kill();
      cluster.removeJarCopy();
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

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
