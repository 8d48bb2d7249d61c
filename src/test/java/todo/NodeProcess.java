package todo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node as a real child JVM, started through the project's own {@code ./todo} launcher
 * (which exec's java, so this process's pid is the JVM's and SIGKILL reaches it directly).
 * Output goes to a log file that failing tests print.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  /** Held while one launcher runs up to its exec of java, so that parallel starts never run two builds at once. */
  private static final Object LAUNCHER = new Object();

  private final String sname;
  private final Path dbFolder;
  private final int httpPort;
  private final Path log;
  private final Map<String, String> env = new HashMap<>(Map.of(
      "TODO_HTTP_HOST", "127.0.0.1",
      "TODO_COOKIE", "it-cookie",
      "ERL_EPMD_PORT", String.valueOf(TestNodes.EPMD_PORT)));
  private Process process;

  public NodeProcess(String sname, Path dbFolder, int httpPort) {
    this.sname = sname;
    this.dbFolder = dbFolder;
    this.httpPort = httpPort;
    this.log = dbFolder.resolve(sname + ".log");
  }

  /** Runs {@code ./todo ARGS} to completion and returns its exit code and output. */
  public static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PROJECT.resolve("todo").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true);
    builder.environment().put("TODO_COOKIE", "it-cookie");
    builder.environment().put("ERL_EPMD_PORT", String.valueOf(TestNodes.EPMD_PORT));
    Process p = launch(builder);
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("./todo " + String.join(" ", args) + " did not end in " + timeout);
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  public record Result(int exitCode, String output) {}

  /** The node's full name: on loopback, so tests never depend on the host name resolving. */
  public String name() {
    return sname + "@127.0.0.1";
  }

  /** Sets an environment variable of the node's process (before {@link #start}). */
  public NodeProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public int httpPort() {
    return httpPort;
  }

  /** Starts the node and waits until it answers HTTP. */
  public NodeProcess start(String... extraArgs) throws IOException {
    launch(extraArgs);
    return awaitHealthy();
  }

  /**
   * Starts the node's process and returns as soon as its JVM runs, without waiting for it
   * to serve: to boot several nodes at once, or to watch a node that should fail to start.
   */
  public NodeProcess launch(String... extraArgs) throws IOException {
    Files.createDirectories(dbFolder);
    List<String> command = new ArrayList<>(List.of(PROJECT.resolve("todo").toString(), "start",
        "--name", name(), "--http-port", String.valueOf(httpPort), "--db-folder", dbFolder.toString()));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = launch(builder);
    return this;
  }

  /** Waits until the node answers HTTP; fails at once, with its log, if it exits instead. */
  public NodeProcess awaitHealthy() {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!process.isAlive()) throw new IllegalStateException("node " + sname + " exited: " + log());
      return healthy();
    });
    return this;
  }

  /**
   * Runs the launcher, holding {@link #LAUNCHER} until it has exec'd java: ./todo builds the jar
   * when src/main is newer than it (another engineer may be editing), and two builds at once
   * in one checkout would break each other. The JVMs themselves then boot in parallel.
   */
  private static Process launch(ProcessBuilder builder) throws IOException {
    synchronized (LAUNCHER) {
      buildIfStale();
      Process p = builder.start();
      long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (p.isAlive() && !p.toHandle().info().command().orElse("").endsWith("java") && System.nanoTime() < giveUpAt) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return p;
    }
  }

  /**
   * Has the launcher build the jar now if it would on the next start (the same test as
   * ./todo's), so that a node's output holds only what the node said.
   */
  private static void buildIfStale() throws IOException {
    Path jar = PROJECT.resolve("target/todo.jar");
    if (Files.exists(jar)) {
      var built = Files.getLastModifiedTime(jar);
      try (Stream<Path> sources = Stream.concat(Stream.of(PROJECT.resolve("pom.xml")), Files.walk(PROJECT.resolve("src/main")))) {
        if (sources.noneMatch(f -> {
          try {
            return Files.getLastModifiedTime(f).compareTo(built) > 0;
          } catch (IOException gone) {
            return false;
          }
        })) return;
      } catch (java.io.UncheckedIOException changing) {
        // a file went away while being looked at: someone is editing, so build
      }
    }
    Process build = new ProcessBuilder(PROJECT.resolve("todo").toString(), "version").directory(PROJECT.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!build.waitFor(10, TimeUnit.MINUTES)) build.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean healthy() {
    try {
      return get("/health").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return get(pathAndQuery, REQUEST_TIMEOUT);
  }

  /** A GET that gives up after {@code timeout}: for polling a node that may be busy failing over. */
  public HttpResponse<String> get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
    return post(pathAndQuery, REQUEST_TIMEOUT);
  }

  public HttpResponse<String> post(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GET of a JSON resource that must answer 200; its body parsed. */
  public com.fasterxml.jackson.databind.JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " on " + sname + ": " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
  }

  public long pid() {
    return process.pid();
  }

  /** The command the OS runs under this pid (java, since the launcher exec's it). */
  public String command() {
    return process.toHandle().info().command().orElse("");
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
  public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
  }

  /** SIGKILL: no shutdown hook, no goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the node leaves gracefully. Returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  public Path dataFile() {
    return dbFolder.resolve(sname).resolve("todo.db");
  }

  /** The lines of the node's output that contain {@code text}. */
  public List<String> logLines(String text) {
    try (Stream<String> lines = log().lines()) {
      return lines.filter(l -> l.contains(text)).toList();
    }
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Ends the process if a test left it running: only the pid this object started. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) kill();
  }
}
