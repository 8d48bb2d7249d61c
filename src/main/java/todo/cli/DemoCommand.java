package todo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import todo.node.NodeName;

/**
 * {@code todo demo}: the chapter's "Testing the Cluster", narrated. Three nodes as child
 * JVMs in a temporary folder, with a port mapper and cookie of their own so that nothing
 * the user runs is disturbed; everything is stopped and removed at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start 3 local nodes and walk through the chapter's cluster test, narrated.")
final class DemoCommand implements Callable<Integer> {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAY = "2018-12-19";

  private record Node(String name, int httpPort, Process process, Path log) {}

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final String cookie = "demo-" + Long.toHexString(new java.security.SecureRandom().nextLong());
  private Path folder;

  @Override
  public Integer call() throws Exception {
    folder = Files.createTempDirectory("todo-demo-");
    int epmdPort = freePort();
    String host = NodeName.shortHostName();
    try {
      say("Starting three nodes, each its own JVM, with data under " + folder + ":");
      start("node1", host, epmdPort, List.of());
      start("node2", host, epmdPort, List.of("node1@" + host));
      start("node3", host, epmdPort, List.of("node2@" + host));
      say("node2 connected to node1, and node3 to node2 only. The cluster is fully meshed, so each node sees the others:");
      for (Node n : nodes.values()) say("  " + n.name() + " sees " + String.join(", ", others(n)));

      Node node2 = nodes.get("node2@" + host);
      say("");
      say("Creating Bob's list through node2:");
      say("  curl -d '' 'http://localhost:" + node2.httpPort() + "/add_entry?list=Bob&date=" + DAY + "&title=Dentist'  ->  "
          + post(node2, "/add_entry?list=Bob&date=" + DAY + "&title=Dentist"));
      String hostNode = get(node2, "/api/lists/Bob").get("node").asText();
      say("Bob's server runs on " + hostNode + ", the only one in the whole cluster.");
      say("");
      say("Every node stored the change in its own database file:");
      for (Node n : nodes.values()) {
        Path file = folder.resolve(NodeName.shortName(n.name())).resolve("todo.db");
        say("  " + folder.relativize(file) + ": " + String.join(", ", storedEntries(file, "Bob")));
      }

      Node victim = nodes.get(hostNode);
      Node survivor = nodes.values().stream().filter(n -> n != victim).findFirst().orElseThrow();
      say("");
      say("Killing " + victim.name() + " (kill -9 " + victim.process().pid() + "), the node that serves Bob...");
      long killedAt = System.nanoTime();
      victim.process().destroyForcibly();
      String entries = awaitEntries(survivor, "Bob");
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      say(String.format("Bob is back %.1f s later: %s answers \"%s\", served now by %s.",
          seconds, survivor.name(), entries, get(survivor, "/api/lists/Bob").get("node").asText()));
      say("No acknowledged change was lost: it was on a majority of the nodes before node2 said OK.");
      return 0;
    } catch (IOException | RuntimeException e) {
      System.out.flush();
      System.err.println("todo demo: " + e.getMessage());
      for (Node n : nodes.values()) {
        System.err.println("--- last lines of " + n.name() + "'s log:");
        List<String> lines = Files.exists(n.log()) ? Files.readAllLines(n.log()) : List.of();
        lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(System.err::println);
      }
      return 1;
    } finally {
      stopAll();
    }
  }

  private void start(String sname, String host, int epmdPort, List<String> connect) throws Exception {
    int httpPort = freePort();
    Path log = folder.resolve(sname + ".log");
    List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseParallelGC", "-Xmx256m", "-jar", jar(), "start",
        "--sname", sname, "--http-port", String.valueOf(httpPort), "--db-folder", folder.toString()));
    for (String target : connect) command.addAll(List.of("--connect", target));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ERL_EPMD_PORT", String.valueOf(epmdPort));
    builder.environment().put("TODO_COOKIE", cookie);
    builder.environment().put("TODO_HTTP_HOST", "127.0.0.1");
    Node node = new Node(sname + "@" + host, httpPort, builder.start(), log);
    nodes.put(node.name(), node);
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!healthy(node)) {
      if (!node.process().isAlive()) throw new IOException(node.name() + " exited during start");
      if (System.nanoTime() > giveUpAt) throw new IOException(node.name() + " did not start within 60 s");
      Thread.sleep(100);
    }
    say("  " + node.name() + " is up (pid " + node.process().pid() + ", HTTP on port " + httpPort
        + (connect.isEmpty() ? ")" : ", connected to " + String.join(", ", connect) + ")"));
  }

  private List<String> others(Node n) throws IOException, InterruptedException {
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

  private String awaitEntries(Node n, String list) throws IOException, InterruptedException {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < giveUpAt) {
      try {
        HttpResponse<String> r = HTTP.send(request(n, "/entries?list=" + list + "&date=" + DAY)
            .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && !r.body().isEmpty()) return r.body();
      } catch (IOException lostWithTheDeadNode) {
        // a request that reached the dead node's server is lost: ask again at once
      }
    }
    throw new IOException(list + " did not come back on " + n.name() + " within 60 s");
  }

  private static List<String> storedEntries(Path file, String list) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         var s = c.prepareStatement("SELECT date, title FROM entries WHERE list = ? AND deleted = 0")) {
      s.setString(1, list);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) lines.add(r.getString(1) + " " + r.getString(2));
      }
    }
    return lines.isEmpty() ? List.of("(nothing)") : lines;
  }

  private static String post(Node n, String path) throws IOException, InterruptedException {
    return HTTP.send(request(n, path).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static JsonNode get(Node n, String path) throws IOException, InterruptedException {
    return JSON.readTree(HTTP.send(request(n, path).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static HttpRequest.Builder request(Node n, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + path)).timeout(Duration.ofSeconds(10));
  }

  private static boolean healthy(Node n) {
    try {
      return HTTP.send(request(n, "/health").build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void stopAll() throws IOException, InterruptedException {
    say("");
    say("Stopping the nodes and removing " + folder + ".");
    for (Node n : nodes.values()) n.process().destroy();
    for (Node n : nodes.values()) {
      if (!n.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) n.process().destroyForcibly().waitFor();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static String jar() throws IOException {
    try {
      return Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IOException("cannot find the todo jar: " + e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
