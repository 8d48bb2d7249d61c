package todo.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A campaign's nodes: {@code todo start} JVMs on a copy of this command's jar (so that a
 * rebuild of the checkout during a campaign changes nothing), with a cookie and a port
 * mapper port of their own, in {@code folder}. Starts them, restarts them, and reads them
 * at the end: over HTTP and from their SQLite files.
 */
final class Cluster {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Node> nodes = new ArrayList<>();
  private final Consumer<String> say;
  private final List<Path> copies = new ArrayList<>();

  Cluster(int count, Network network, Path folder, String nodeJavaOpts, Consumer<String> say) throws IOException {
    this.say = say;
    List<String> java = javaCommand(folder, nodeJavaOpts, copies);
    Map<String, String> env = new HashMap<>();
    env.put("TODO_COOKIE", "faults-" + Long.toHexString(new java.security.SecureRandom().nextLong()));
    env.put("ERL_EPMD_PORT", String.valueOf(freePort()));
    for (int i = 1; i <= count; i++) {
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("TODO_HTTP_HOST", network.address(i));
      int httpPort = network.canPartition() ? 5454 : freePort(); // each namespace has ports of its own
      nodes.add(new Node(i, network.address(i), httpPort, network.launcher(i), java, folder, nodeEnv));
    }
  }

  /** java, the nodes' flags, and this command's class path (its jar copied into {@code folder}). */
  private static List<String> javaCommand(Path folder, String nodeJavaOpts, List<Path> copies) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : nodeJavaOpts.trim().split("\\s+")) if (!opt.isEmpty()) command.add(opt);
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (p.toString().endsWith(".jar") && p.getFileName().toString().startsWith("todo")) {
        p = Files.copy(p, folder.resolve(p.getFileName()));
        copies.add(p);
      }
      classPath.add(p.toString());
    }
    command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classPath), "todo.cli.Main"));
    return command;
  }

  /** The first node alone, then the others joining it; returns once all serve and see each other. */
  void start() throws Exception {
    say.accept("starting " + nodes.stream().map(n -> n.name).toList());
    nodes.get(0).start(List.of(), "first node");
    await("n1 to serve", Duration.ofSeconds(180), () -> nodes.get(0).healthy());
    List<Node> joining = nodes.subList(1, nodes.size());
    for (Node n : joining) n.start(List.of(nodes.get(0).name), "joins n1");
    Map<Node, Integer> retries = new HashMap<>();
    await("every node to serve and see the others", Duration.ofSeconds(180), () -> {
      for (Node n : joining) { // on a loaded machine a join can outlast todo.join-timeout (the node exits 1): again, twice
        if (n.exitCode() == null || retries.merge(n, 1, Integer::sum) > 2) continue;
        say.accept(n + " exited with " + n.exitCode() + " while joining n1; starting it again");
        n.start(List.of(nodes.get(0).name), "joins n1, again");
      }
      return allServingInMesh();
    });
  }

  /** Starts {@code n} again on its folder, joining through every other node (the first that answers). */
  void restart(Node n, String why) throws IOException {
    n.start(nodes.stream().filter(o -> o != n).map(o -> o.name).toList(), why);
  }

  /** Starts {@code n} again on its folder, joining the cluster of {@code through} only. */
  void connect(Node n, Node through, String why) throws IOException {
    n.start(List.of(through.name), why);
  }

  /** Starts {@code n} with no node to join: it forms a cluster of its own, which the others then join. */
  void startAlone(Node n, String why) throws IOException {
    n.start(List.of(), why);
  }

  /** Every node answers {@code /health} and lists all the others in {@code /api/cluster}. */
  boolean allServingInMesh() {
    for (Node n : nodes) {
      if (!n.healthy()) return false;
      try {
        var r = n.get("/api/cluster", Duration.ofSeconds(2));
        if (r.statusCode() != 200) return false;
        List<String> seen = new ArrayList<>();
        JSON.readTree(r.body()).get("nodes").forEach(x -> seen.add(x.asText()));
        for (Node o : nodes) if (o != n && !seen.contains(o.name)) return false;
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
    for (Node n : nodes) {
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
    for (Node n : nodes) {
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
    for (Node n : nodes) {
      try {
        n.stop(Duration.ofSeconds(15));
      } catch (Exception e) {
        say.accept("could not stop " + n + ": " + e);
      }
    }
  }

  /** Removes the copy of the jar (a kept folder is for the logs and stores; the jar is 70 MB). */
  void removeJarCopy() {
    for (Path p : copies) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        say.accept("could not remove " + p + ": " + e.getMessage());
      }
    }
  }

  /** SIGKILL to every node still running, and no start after it: for a shutdown hook. */
  void kill() {
    for (Node n : nodes) {
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
      for (Node n : nodes) {
        if (n.exitCode() != null) throw new IllegalStateException(n + " exited with " + n.exitCode() + " while waiting for "
            + what + "; see " + n.log());
      }
      if (System.nanoTime() > giveUpAt) throw new IllegalStateException("gave up waiting for " + what + " after " + timeout);
      Thread.sleep(250);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
