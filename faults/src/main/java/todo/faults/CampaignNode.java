package todo.faults;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import todo.launch.NodeJvm;

/**
 * One node of a campaign: a {@link NodeJvm} run in its network (see {@link Network#launcher}),
 * plus what only a campaign does to a node: pausing it (SIGSTOP), numbering its starts in the
 * log, and refusing to start it again once the campaign ends.
 */
final class CampaignNode {

  final int index;
  final String name;
  private final NodeJvm jvm;
  private boolean paused;
  private boolean closed;
  private int starts;

  CampaignNode(int index, NodeJvm jvm) {
    this.index = index;
    this.name = jvm.name();
    this.jvm = jvm;
  }

  String shortName() {
    return jvm.shortName();
  }

  Path dataFile() {
    return jvm.dataFile();
  }

  Path log() {
    return jvm.log();
  }

  /** Starts the JVM (on the same folder as before), joining the cluster through {@code connect}. */
  synchronized void start(List<String> connect, String why) throws IOException {
    if (closed) throw new IllegalStateException(shortName() + " is closed: the campaign is ending");
    if (alive()) throw new IllegalStateException(shortName() + " is running");
    starts++;
    Files.writeString(log(), "==== todo faults: start #" + starts + " of " + name + " (" + why + ")\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    jvm.start(connect, List.of());
    paused = false;
  }

  synchronized boolean alive() {
    return jvm.alive();
  }

  synchronized boolean paused() {
    return paused && alive();
  }

  /** The exit code of the last run, or null while it runs (or never ran). */
  synchronized Integer exitCode() {
    return jvm.exitCode();
  }

  /** SIGKILL, and waits for the process to be gone. */
  synchronized void kill() throws InterruptedException {
    jvm.kill();
    paused = false;
  }

  /** SIGKILL, and never start again: the campaign is ending. */
  synchronized void close() throws InterruptedException {
    closed = true;
    kill();
  }

  /** SIGTERM, without waiting: the node leaves its cluster gracefully, as an operator's stop makes it, and exits. */
  synchronized void terminate() {
    jvm.terminate();
  }

  /** Waits up to {@code timeout} for the process to exit (without holding this node, so others can read it meanwhile). */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return !jvm.alive() || jvm.awaitExit(timeout).isPresent();
  }

  /** SIGSTOP: the JVM freezes, sockets stay open, nothing answers. */
  synchronized void pause() throws IOException, InterruptedException {
    jvm.signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  synchronized void resume() throws IOException, InterruptedException {
    if (!paused) return;
    jvm.signal("CONT");
    paused = false;
  }

  /** At the end: resumes it if paused, asks it to leave (SIGTERM), and kills it if it has not within {@code grace}. */
  synchronized void stop(Duration grace) throws IOException, InterruptedException {
    if (!alive()) return;
    resume();
    jvm.stop(grace);
    paused = false;
  }

  /** Whether it answers {@code /health} within a second. */
  boolean healthy() {
    return !paused() && jvm.healthy();
  }

  /** Whether it answers {@code /health/ready} with 200 within a second: a load balancer would send it requests. */
  boolean ready() {
    return !paused() && jvm.ready();
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
    return jvm.get(path, timeout);
  }

  String baseUrl() {
    return jvm.baseUrl();
  }

  @Override
  public String toString() {
    return shortName();
  }
}
