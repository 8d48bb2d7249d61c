package todo.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node of a campaign: a {@code todo start} JVM, run in its network (see
 * {@link Network#launcher}) with the campaign's cookie and port mapper port, its output
 * appended to {@code <folder>/<name>.log} across restarts. Signals go to the JVM itself:
 * {@code ip netns exec} exec's it, so the pid is the JVM's.
 */
final class Node {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  final int index;
  final String name;
  final String address;
  final int httpPort;
  private final List<String> launcher;
  private final List<String> javaCommand;
  private final Path folder;
  private final Path log;
  private final Map<String, String> env;
  private Process process;
  private boolean paused;
  private boolean closed;
  private int starts;

  Node(int index, String address, int httpPort, List<String> launcher, List<String> javaCommand, Path folder,
       Map<String, String> env) {
    this.index = index;
    this.name = "n" + index + "@" + address;
    this.address = address;
    this.httpPort = httpPort;
    this.launcher = launcher;
    this.javaCommand = javaCommand;
    this.folder = folder;
    this.log = folder.resolve("n" + index + ".log");
    this.env = env;
  }

  String shortName() {
    return "n" + index;
  }

  String baseUrl() {
    return "http://" + address + ":" + httpPort;
  }

  Path dataFile() {
    return folder.resolve(shortName()).resolve("todo.db");
  }

  Path log() {
    return log;
  }

  /** Starts the JVM (on the same folder as before), joining the cluster through {@code connect}. */
  synchronized void start(List<String> connect, String why) throws IOException {
    if (closed) throw new IllegalStateException(shortName() + " is closed: the campaign is ending");
    if (alive()) throw new IllegalStateException(shortName() + " is running");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(javaCommand);
    command.addAll(List.of("start", "--name", name, "--http-port", String.valueOf(httpPort), "--db-folder", folder.toString()));
    for (String c : connect) command.addAll(List.of("--connect", c));
    starts++;
    Files.writeString(log, "==== todo faults: start #" + starts + " of " + name + " (" + why + ")\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    paused = false;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized boolean paused() {
    return paused && alive();
  }

  /** The exit code of the last run, or null while it runs (or never ran). */
  synchronized Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  /** SIGKILL, and waits for the process to be gone. */
  synchronized void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    paused = false;
  }

  /** SIGKILL, and never start again: the campaign is ending. */
  synchronized void close() throws InterruptedException {
    closed = true;
    kill();
  }

  /** SIGTERM, without waiting: the node leaves its cluster gracefully, as an operator's stop makes it, and exits. */
  synchronized void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /** Waits up to {@code timeout} for the process to exit (without holding this node, so others can read it meanwhile). */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    return p == null || p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGSTOP: the JVM freezes, sockets stay open, nothing answers. */
  synchronized void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  synchronized void resume() throws IOException, InterruptedException {
    if (!paused) return;
    signal("CONT");
    paused = false;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    if (!alive()) return;
    new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
  }

  /** At the end: resumes it if paused, asks it to leave (SIGTERM), and kills it if it has not within {@code grace}. */
  synchronized void stop(Duration grace) throws IOException, InterruptedException {
    if (!alive()) return;
    resume();
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) kill();
  }

  /** Whether it answers {@code /health} within a second. */
  boolean healthy() {
    if (!alive() || paused()) return false;
    try {
      HttpResponse<String> r = get("/health", Duration.ofSeconds(1));
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The names this node lists in {@code /api/cluster} (itself and the members it sees), or null without an answer in 1 s. */
  java.util.Set<String> clusterView() {
    if (!alive() || paused()) return null;
    try {
      HttpResponse<String> r = get("/api/cluster", Duration.ofSeconds(1));
      if (r.statusCode() != 200) return null;
      java.util.Set<String> names = new java.util.HashSet<>();
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      names.add(json.get("self").asText());
      json.get("nodes").forEach(n -> names.add(n.asText()));
      return names;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public String toString() {
    return shortName();
  }
}
