package todo.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import todo.launch.FreePort;
import todo.launch.NodeJvm;
import todo.launch.ProductJar;

/**
 * A campaign's nodes: {@link NodeJvm}s on a copy of the product's jar (so that a rebuild of
 * the checkout during a campaign changes nothing), with a cookie and a port mapper port of
 * their own, in {@code folder}. Starts them, restarts them, and reads them at the end: over
 * HTTP and from their SQLite files.
 */
final class CampaignNodes {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<CampaignNode> nodes = new ArrayList<>();
  private final Consumer<String> say;
  private final Path jarCopy;
  /** What every node's environment adds: the campaign's cookie and port mapper port (a command that talks to a node needs both). */
  final Map<String, String> env;

  /** Nodes that run {@code jar} ({@link ProductJar#path}: the one this command runs from). */
  CampaignNodes(int count, Path jar, Network network, Path folder, String nodeJavaOpts, Consumer<String> say) throws IOException {
    this.say = say;
    jarCopy = Files.copy(jar, folder.resolve(jar.getFileName()));
    List<String> java = ProductJar.javaCommand(jarCopy, ProductJar.flags(nodeJavaOpts));
    env = Map.of(
        "TODO_COOKIE", "faults-" + Long.toHexString(new java.security.SecureRandom().nextLong()),
        "ERL_EPMD_PORT", String.valueOf(FreePort.pick()));
    for (int i = 1; i <= count; i++) {
      List<String> command = new ArrayList<>(network.launcher(i));
      command.addAll(java);
      String address = network.address(i);
      int httpPort = network.canPartition() ? 5454 : FreePort.pick(); // each namespace has ports of its own
      nodes.add(new CampaignNode(i, new NodeJvm(new NodeJvm.Spec("n" + i + "@" + address, address, httpPort, folder,
          folder.resolve("n" + i + ".log"), command, env))));
    }
  }

  /** The first node alone, then the others joining it; returns once all serve and see each other. */
  void start() throws Exception {
    say.accept("starting " + nodes.stream().map(n -> n.name).toList());
    nodes.get(0).start(List.of(), "first node");
    await("n1 to serve", Duration.ofSeconds(180), () -> nodes.get(0).healthy());
    List<CampaignNode> joining = nodes.subList(1, nodes.size());
    for (CampaignNode n : joining) n.start(List.of(nodes.get(0).name), "joins n1");
    Map<CampaignNode, Integer> retries = new HashMap<>();
    await("every node to serve and see the others", Duration.ofSeconds(180), () -> {
      for (CampaignNode n : joining) { // on a loaded machine a join can outlast todo.join-timeout (the node exits 1): again, twice
        if (n.exitCode() == null || retries.merge(n, 1, Integer::sum) > 2) continue;
        say.accept(n + " exited with " + n.exitCode() + " while joining n1; starting it again");
        n.start(List.of(nodes.get(0).name), "joins n1, again");
      }
      return allServingInMesh();
    });
  }

  /** Starts {@code n} again on its folder, joining through every other node (the first that answers). */
  void restart(CampaignNode n, String why) throws IOException {
    n.start(nodes.stream().filter(o -> o != n).map(o -> o.name).toList(), why);
  }

  /** Starts {@code n} again on its folder, joining the cluster of {@code through} only. */
  void connect(CampaignNode n, CampaignNode through, String why) throws IOException {
    n.start(List.of(through.name), why);
  }

  /** Starts {@code n} with no node to join: it forms a cluster of its own, which the others then join. */
  void startAlone(CampaignNode n, String why) throws IOException {
    n.start(List.of(), why);
  }

  /** Every node answers {@code /health} and lists all the others in {@code /api/cluster}. */
  boolean allServingInMesh() {
    for (CampaignNode n : nodes) {
      if (!n.healthy()) return false;
      try {
        var r = n.get("/api/cluster", Duration.ofSeconds(2));
        if (r.statusCode() != 200) return false;
        List<String> seen = new ArrayList<>();
        JSON.readTree(r.body()).get("nodes").forEach(x -> seen.add(x.asText()));
        for (CampaignNode o : nodes) if (o != n && !seen.contains(o.name)) return false;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Waits until every node serves in one mesh (twice in a row, a second apart), restarting those that exit. */
  void awaitServing(Nemesis nemesis, Duration timeout) throws Exception {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < giveUpAt) {
      nemesis.restartExitedNow(); // a node downed while paused exits once resumed
      if (allServingInMesh()) {
        Thread.sleep(1_000);
        if (allServingInMesh()) return;
      }
      Thread.sleep(500);
    }
    say.accept("WARNING: not every node serves and sees the others after " + timeout.toSeconds() + " s; checking anyway");
  }

  /** Every list through every node over HTTP, each retried until it answers 200 or the time is up. */
  Map<String, Map<String, Checker.ListCopy>> readOverHttp(List<String> lists, Duration timeout) throws InterruptedException {
    Map<String, Map<String, Checker.ListCopy>> reads = new TreeMap<>();
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    for (CampaignNode n : nodes) {
      Map<String, Checker.ListCopy> copies = new TreeMap<>();
      for (String list : lists) {
        List<Checker.Row> rows = Clients.read(n, list, Duration.ofSeconds(10));
        while (rows == null && System.nanoTime() < giveUpAt) {
          Thread.sleep(500);
          rows = Clients.read(n, list, Duration.ofSeconds(10));
        }
        if (rows == null) say.accept("WARNING: " + n + " did not answer the entries of " + list + "; not checked through it");
        else copies.put(list, new Checker.ListCopy(-1, rows));
      }
      reads.put(n.shortName(), copies);
    }
    return reads;
  }

  /** Every node's store, read from its file. */
  Map<String, Map<String, Checker.ListCopy>> readStores() {
    Map<String, Map<String, Checker.ListCopy>> stores = new TreeMap<>();
    for (CampaignNode n : nodes) {
      try {
        stores.put(n.shortName(), Stores.read(n.dataFile()));
      } catch (java.sql.SQLException e) {
        throw new UncheckedIOException(new IOException("cannot read " + n.dataFile() + ": " + e.getMessage(), e));
      }
    }
    return stores;
  }

  /** Reads the stores until all hold the same version of every list, or the time is up; the last reading. */
  Map<String, Map<String, Checker.ListCopy>> awaitConvergence(Duration timeout) throws InterruptedException {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, Map<String, Checker.ListCopy>> stores = readStores();
      List<String> unequal = Stores.unequal(List.copyOf(stores.values()));
      if (unequal.isEmpty()) return stores;
      if (System.nanoTime() > giveUpAt) {
        say.accept("not converged after " + timeout.toSeconds() + " s: lists " + unequal);
        return stores;
      }
      Thread.sleep(500);
    }
  }

  /** At the end: each node asked to leave (SIGTERM), killed if it has not within 15 s. */
  void stop() {
    for (CampaignNode n : nodes) {
      try {
        n.stop(Duration.ofSeconds(15));
      } catch (Exception e) {
        say.accept("could not stop " + n + ": " + e);
      }
    }
  }

  /** Removes the copy of the jar (a kept folder is for the logs and stores; the jar is 70 MB). */
  void removeJarCopy() {
    try {
      Files.deleteIfExists(jarCopy);
    } catch (IOException e) {
      say.accept("could not remove " + jarCopy + ": " + e.getMessage());
    }
  }

  /** SIGKILL to every node still running, and no start after it: for a shutdown hook. */
  void kill() {
    for (CampaignNode n : nodes) {
      try {
        n.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private interface Condition {
    boolean met() throws Exception;
  }

  private void await(String what, Duration timeout, Condition condition) throws Exception {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (!condition.met()) {
      for (CampaignNode n : nodes) {
        if (n.exitCode() != null) throw new IllegalStateException(n + " exited with " + n.exitCode() + " while waiting for "
            + what + "; see " + n.log());
      }
      if (System.nanoTime() > giveUpAt) throw new IllegalStateException("gave up waiting for " + what + " after " + timeout);
      Thread.sleep(250);
    }
  }
}
