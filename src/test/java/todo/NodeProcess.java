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

/**
 * A node as a real child JVM, started through the project's own {@code ./todo} launcher
 * (which exec's java, so this process's pid is the JVM's and SIGKILL reaches it directly).
 * Output goes to a log file that failing tests print.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
    Process p = builder.start();
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
    Files.createDirectories(dbFolder);
    List<String> command = new ArrayList<>(List.of(PROJECT.resolve("todo").toString(), "start",
        "--name", name(), "--http-port", String.valueOf(httpPort), "--db-folder", dbFolder.toString()));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!process.isAlive()) throw new IllegalStateException("node " + sname + " exited: " + log());
      return healthy();
    });
    return this;
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
    return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
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
