package todo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import todo.launch.FreePort;
import todo.launch.NodeJvm;
import todo.launch.ProductJar;
import todo.node.NodeName;
import todo.store.StoreReader;

/**
 * {@code todo demo}: the chapter's "Testing the Cluster", narrated. Three nodes as child
 * JVMs in a temporary folder, with a port mapper and cookie of their own so that nothing
 * the user runs is disturbed; everything is stopped and removed at the end. It gives the
 * address of node1's page, where the nodes, Bob's list and the failover can be watched; with
 * {@code --pause} it waits for Enter before each step, so that a person can.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start 3 local nodes and walk through the chapter's cluster test, narrated.")
final class DemoCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAY = "2018-12-19";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--pause", description = "Wait for Enter before each step, to watch it happen in the page.")
  boolean pause;

  private final Map<String, NodeJvm> nodes = new LinkedHashMap<>();
  private final String cookie = "demo-" + Long.toHexString(new java.security.SecureRandom().nextLong());
  private Path folder;

  @Override
  public Integer call() throws Exception {
    folder = Files.createTempDirectory("todo-demo-");
    int epmdPort = FreePort.pick();
    String host = NodeName.shortHostName();
    Pauses pauses = new Pauses(pause, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    try {
      say("Starting three nodes, each its own JVM, with data under " + folder + ":");
      NodeJvm node1 = start("node1", host, epmdPort, List.of());
      say("");
      say("Watch it in a browser: node1's page is " + page(node1) + " (node1 survives: the demo kills the node that"
          + " serves Bob, and makes Bob's list through node2).");
      pauses.before("start node2 and node3, node3 connecting to node2 only");
      start("node2", host, epmdPort, List.of("node1@" + host));
      start("node3", host, epmdPort, List.of("node2@" + host));
      say("node2 connected to node1, and node3 to node2 only. The cluster is fully meshed, so each node sees the others:");
      for (NodeJvm n : nodes.values()) say("  " + n.name() + " sees " + String.join(", ", others(n)));

      NodeJvm node2 = nodes.get("node2@" + host);
      pauses.before("create Bob's list through node2");
      say("");
      say("Creating Bob's list through node2:");
      say("  curl -d '' 'http://localhost:" + node2.httpPort() + "/add_entry?list=Bob&date=" + DAY + "&title=Dentist'  ->  "
          + post(node2, "/add_entry?list=Bob&date=" + DAY + "&title=Dentist"));
      String hostNode = get(node2, "/api/lists/Bob").get("node").asText();
      say("Bob's server runs on " + hostNode + ", the only one in the whole cluster.");
      NodeJvm victim = nodes.get(hostNode);
      NodeJvm survivor = nodes.values().stream().filter(n -> n != victim).findFirst().orElseThrow();
      say("In the page, Bob's list shows where it lives and each replica's version: " + page(survivor) + "#list=Bob&date=" + DAY);
      pauses.before("read Bob's entry from each node's own database file");
      say("");
      say("Every node stored the change in its own database file:");
      for (NodeJvm n : nodes.values()) {
        Path file = n.dataFile();
        say("  " + folder.relativize(file) + ": " + String.join(", ", storedEntries(file, "Bob")));
      }

      pauses.before("kill " + victim.name() + ", the node that serves Bob, with kill -9, and ask " + survivor.name()
          + " for Bob until it answers");
      say("");
      say("Killing " + victim.name() + " (kill -9 " + victim.pid() + "), the node that serves Bob...");
      long killedAt = System.nanoTime();
      victim.kill();
      String entries = awaitEntries(survivor, "Bob");
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      say(String.format("Bob is back %.1f s later: %s answers \"%s\", served now by %s.",
          seconds, survivor.name(), entries, get(survivor, "/api/lists/Bob").get("node").asText()));
      say("No acknowledged change was lost: it was on a majority of the nodes before node2 said OK.");
      pauses.before("stop the nodes and remove their folder");
      return 0;
    } catch (IOException | RuntimeException e) {
      System.out.flush();
      System.err.println("todo demo: " + e.getMessage());
      for (NodeJvm n : nodes.values()) {
        System.err.println("--- last lines of " + n.name() + "'s log:");
        System.err.println(n.tail(10));
      }
      return 1;
    } finally {
      stopAll();
    }
  }

  /** The address of {@code n}'s page (HTTP on loopback). */
  private static String page(NodeJvm n) {
    return "http://127.0.0.1:" + n.httpPort() + "/";
  }

  private NodeJvm start(String sname, String host, int epmdPort, List<String> connect) throws Exception {
    NodeJvm node = new NodeJvm(NodeJvm.Spec.onLoopback(sname + "@" + host, FreePort.pick(), folder,
        ProductJar.javaCommand(ProductJar.path(), List.of("-XX:+UseParallelGC", "-Xmx256m")),
        Map.of("ERL_EPMD_PORT", String.valueOf(epmdPort), "TODO_COOKIE", cookie)));
    nodes.put(node.name(), node);
    node.start(connect, List.of());
    node.awaitServing(Duration.ofSeconds(60));
    say("  " + node.name() + " is up (pid " + node.pid() + ", HTTP on port " + node.httpPort()
        + (connect.isEmpty() ? ")" : ", connected to " + String.join(", ", connect) + ")"));
    return node;
  }

  private List<String> others(NodeJvm n) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    do {
      names.clear();
      get(n, "/api/cluster").get("nodes").forEach(x -> names.add(x.asText()));
      if (names.size() == nodes.size() - 1) break;
      Thread.sleep(100);
    } while (System.nanoTime() < giveUpAt);
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private String awaitEntries(NodeJvm n, String list) throws IOException, InterruptedException {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < giveUpAt) {
      try {
        HttpResponse<String> r = n.get("/entries?list=" + list + "&date=" + DAY, Duration.ofMillis(300));
        if (r.statusCode() == 200 && !r.body().isEmpty()) return r.body();
      } catch (IOException lostWithTheDeadNode) {
        // a request that reached the dead node's server is lost: ask again at once
      }
    }
    throw new IOException(list + " did not come back on " + n.name() + " within 60 s");
  }

  private static List<String> storedEntries(Path file, String list) throws Exception {
    try (StoreReader store = StoreReader.open(file)) {
      List<String> lines = store.entries(list).stream().map(e -> e.date() + " " + e.title()).toList();
      return lines.isEmpty() ? List.of("(nothing)") : lines;
    }
  }

  private static String post(NodeJvm n, String path) throws IOException, InterruptedException {
    return n.post(path, REQUEST_TIMEOUT).body();
  }

  private static JsonNode get(NodeJvm n, String path) throws IOException, InterruptedException {
    return JSON.readTree(n.get(path, REQUEST_TIMEOUT).body());
  }

  private void stopAll() throws IOException, InterruptedException {
    say("");
    say("Stopping the nodes and removing " + folder + ".");
    for (NodeJvm n : nodes.values()) n.terminate();
    for (NodeJvm n : nodes.values()) n.stop(Duration.ofSeconds(30));
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
