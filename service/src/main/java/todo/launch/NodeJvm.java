package todo.launch;

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
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A node run as a child JVM: {@code COMMAND start --name NAME --http-port PORT --db-folder
 * FOLDER [--connect NODE]...}, its output appended to a log file across restarts, its data in
 * {@code FOLDER/<short name>/todo.db}. The command is given whole ({@code java ... -jar
 * todo.jar}, the checkout's {@code ./todo}, or either behind {@code ip netns exec}); each of
 * them exec's java, so the pid here is the JVM's and signals reach it directly.
 *
 * <p>It knows how to start, wait for, ask, signal and stop one node, nothing of a cluster.
 */
public final class NodeJvm {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * What a start needs: {@code name} is the full node name ({@code n1@127.0.0.1}); HTTP is
   * served on {@code httpHost:httpPort} (given to the node as {@code TODO_HTTP_HOST}); {@code env}
   * is laid over this process's environment.
   */
  public record Spec(String name, String httpHost, int httpPort, Path dbFolder, Path log, List<String> command,
                     Map<String, String> env) {
    public Spec {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }

    /** A node on loopback with its log in {@code FOLDER/<short name>.log}. */
    public static Spec onLoopback(String name, int httpPort, Path dbFolder, List<String> command, Map<String, String> env) {
      return new Spec(name, "127.0.0.1", httpPort, dbFolder, dbFolder.resolve(name.substring(0, name.indexOf('@')) + ".log"),
          command, env);
    }
  }

  private final Spec spec;
  private final Map<String, String> env;
  private Process process;

  public NodeJvm(Spec spec) {
    this.spec = spec;
    this.env = new HashMap<>(spec.env());
    env.put("TODO_HTTP_HOST", spec.httpHost());
  }

  public String name() {
    return spec.name();
  }

  public String shortName() {
    return spec.name().substring(0, spec.name().indexOf('@'));
  }

  public int httpPort() {
    return spec.httpPort();
  }

  public String baseUrl() {
    return "http://" + spec.httpHost() + ":" + spec.httpPort();
  }

  /** The node's SQLite file (it exists once the node has started once). */
  public Path dataFile() {
    return spec.dbFolder().resolve(shortName()).resolve("todo.db");
  }

  public Path log() {
    return spec.log();
  }

  /** Sets an environment variable for the next starts. */
  public synchronized void env(String name, String value) {
    env.put(name, value);
  }

  /**
   * Starts the JVM on the node's folder, joining the cluster of {@code connect} (none: a cluster
   * of its own), and returns as soon as the process runs, without waiting for it to serve.
   */
  public synchronized void start(List<String> connect, List<String> extraArgs) throws IOException {
    if (alive()) throw new IllegalStateException(shortName() + " is running");
    Files.createDirectories(spec.dbFolder());
    List<String> command = new ArrayList<>(spec.command());
    command.addAll(List.of("start", "--name", spec.name(), "--http-port", String.valueOf(spec.httpPort()),
        "--db-folder", spec.dbFolder().toString()));
    for (String c : connect) command.addAll(List.of("--connect", c));
    command.addAll(extraArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
    builder.environment().putAll(env);
    process = builder.start();
  }

  /** Waits until the node answers {@code /health}; fails at once, with the end of its log, if it exits instead. */
  public void awaitServing(Duration timeout) throws IOException, InterruptedException {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (!healthy()) {
      Integer exit = exitCode();
      if (exit != null) throw new IOException(name() + " exited with " + exit + " while starting (its output: " + log() + ")");
      if (System.nanoTime() > giveUpAt) throw new IOException(name() + " did not serve within " + timeout.toSeconds() + " s");
      Thread.sleep(100);
    }
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The exit code of the last run, or null while it runs (or never ran). */
  public synchronized Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  /** The pid of the last run (the JVM's), or -1 before the first start. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The command the OS runs under this pid (java, once the launcher has exec'd it). */
  public synchronized String command() {
    return process == null ? "" : process.toHandle().info().command().orElse("");
  }

  /** SIGKILL: no shutdown hook, no goodbye; waits until the process is gone. */
  public void kill() throws InterruptedException {
    Process p = current();
    if (p == null) return;
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, without waiting: the node leaves its cluster gracefully and exits. */
  public void terminate() {
    Process p = current();
    if (p != null) p.destroy();
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}; its exit code (-1 if it never started). */
  public int stop(Duration grace) throws InterruptedException {
    Process p = current();
    if (p == null) return -1;
    p.destroy();
    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor();
    }
    return p.exitValue();
  }

  /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    Process p = current();
    if (p == null) return OptionalInt.empty();
    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(p.exitValue()) : OptionalInt.empty();
  }

  /** Any other signal ({@code STOP}, {@code CONT}), through kill(1): the JDK sends only TERM and KILL. */
  public void signal(String signal) throws IOException, InterruptedException {
    if (!alive()) return;
    new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start().waitFor();
  }

  private synchronized Process current() {
    return process;
  }

  /** Whether it answers {@code /health} with 200 within a second. */
  public boolean healthy() {
    return answers200("/health");
  }

  /** Whether it answers {@code /health/ready} with 200 within a second: a load balancer would send it requests. */
  public boolean ready() {
    return answers200("/health/ready");
  }

  private boolean answers200(String path) {
    if (!alive()) return false;
    try {
      return get(path, Duration.ofSeconds(1)).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public HttpResponse<String> get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The node's whole output so far. */
  public String output() {
    try {
      return Files.exists(spec.log()) ? Files.readString(spec.log()) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** The last {@code lines} lines of its output, joined by newlines. */
  public String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public String toString() {
    return shortName();
  }
}
