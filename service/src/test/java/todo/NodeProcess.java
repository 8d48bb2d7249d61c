package todo;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import todo.launch.NodeJvm;
import todo.launch.ProductJar;

/**
 * A node as a real child JVM for the process tests: a {@link NodeJvm} started through the
 * project's own {@code ./todo} launcher (which exec's java, so the pid is the JVM's and SIGKILL
 * reaches it directly), on loopback, with the tests' cookie and port mapper. Output goes to a
 * log file that failing tests print.
 */
public final class NodeProcess implements AutoCloseable {

  /** The checkout, where ./todo is (the build sets todo.checkout). */
  private static final Path PROJECT = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  /** Held while one launcher runs up to its exec of java, so that parallel starts never run two builds at once. */
  private static final Object LAUNCHER = new Object();

  private final NodeJvm jvm;

  public NodeProcess(String sname, Path dbFolder, int httpPort) {
    this.jvm = new NodeJvm(NodeJvm.Spec.onLoopback(sname + "@127.0.0.1", httpPort, dbFolder,
        List.of(PROJECT.resolve("todo").toString()),
        Map.of("TODO_COOKIE", "it-cookie", "ERL_EPMD_PORT", String.valueOf(TestNodes.EPMD_PORT))));
  }

  /** Runs {@code ./todo ARGS} to completion and returns its exit code and output. */
  public static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    return runTyping("", timeout, args);
  }

  /** As {@link #run}, with {@code typed} on its standard input (which then ends). */
  public static Result runTyping(String typed, Duration timeout, String... args) throws IOException, InterruptedException {
    return runWith(Map.of(), typed, timeout, args);
  }

  /** As {@link #runTyping}, with {@code env} laid over the tests' cookie and port mapper. */
  public static Result runWith(Map<String, String> env, String typed, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PROJECT.resolve("todo").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true);
    builder.environment().put("TODO_COOKIE", "it-cookie");
    builder.environment().put("ERL_EPMD_PORT", String.valueOf(TestNodes.EPMD_PORT));
    builder.environment().putAll(env);
    Process p;
    synchronized (LAUNCHER) {
      buildIfStale();
      p = builder.start();
      awaitExec(p.pid());
    }
    try (var stdin = p.getOutputStream()) {
      stdin.write(typed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("./todo " + String.join(" ", args) + " did not end in " + timeout);
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  public record Result(int exitCode, String output) {}

  /** The node's full name: on loopback, so tests never depend on the host name resolving. */
  public String name() {
    return jvm.name();
  }

  /** Sets an environment variable of the node's process (for the next starts). */
  public NodeProcess env(String name, String value) {
    jvm.env(name, value);
    return this;
  }

  public int httpPort() {
    return jvm.httpPort();
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
    synchronized (LAUNCHER) {
      buildIfStale();
      jvm.start(List.of(), List.of(extraArgs));
      awaitExec(jvm.pid());
    }
    return this;
  }

  /** Waits until the node answers HTTP; fails at once, with its log, if it exits instead. */
  public NodeProcess awaitHealthy() {
    try {
      jvm.awaitServing(Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage() + ": " + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name(), e);
    }
    return this;
  }

  /**
   * Waits (the caller holding {@link #LAUNCHER}) until the launcher has exec'd java: ./todo builds the jar
   * when service/src/main is newer than it (another engineer may be editing), and two builds at once in
   * one checkout would break each other. The JVMs themselves then boot in parallel.
   */
  private static void awaitExec(long pid) {
    long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    ProcessHandle launcher = ProcessHandle.of(pid).orElse(null);
    while (launcher != null && launcher.isAlive() && !launcher.info().command().orElse("").endsWith("java")
        && System.nanoTime() < giveUpAt) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Has the launcher build the jar now if it would on the next start (the same test as
   * ./todo's), so that a node's output holds only what the node said.
   */
  private static void buildIfStale() throws IOException {
    Path jar = PROJECT.resolve(ProductJar.IN_CHECKOUT);
    if (Files.exists(jar)) {
      var built = Files.getLastModifiedTime(jar);
      try (Stream<Path> sources = Stream.concat(Stream.of(PROJECT.resolve("pom.xml"), PROJECT.resolve("service/pom.xml")),
          Files.walk(PROJECT.resolve("service/src/main")))) {
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

  public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return get(pathAndQuery, REQUEST_TIMEOUT);
  }

  /** A GET that gives up after {@code timeout}: for polling a node that may be busy failing over. */
  public HttpResponse<String> get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return jvm.get(pathAndQuery, timeout);
  }

  public HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
    return post(pathAndQuery, REQUEST_TIMEOUT);
  }

  public HttpResponse<String> post(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return jvm.post(pathAndQuery, timeout);
  }

  /** GET of a JSON resource that must answer 200; its body parsed. */
  public com.fasterxml.jackson.databind.JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " on " + jvm.shortName() + ": " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  public long pid() {
    return jvm.pid();
  }

  /** The command the OS runs under this pid (java, since the launcher exec's it). */
  public String command() {
    return jvm.command();
  }

  public boolean isAlive() {
    return jvm.alive();
  }

  /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return jvm.awaitExit(timeout);
  }

  /** SIGKILL: no shutdown hook, no goodbye. */
  public void kill() throws InterruptedException {
    jvm.kill();
  }

  /** SIGTERM: the node leaves gracefully. Returns the exit code. */
  public int terminate() throws InterruptedException {
    return jvm.stop(Duration.ofSeconds(60));
  }

  public Path dataFile() {
    return jvm.dataFile();
  }

  /** The lines of the node's output that contain {@code text}. */
  public List<String> logLines(String text) {
    try (Stream<String> lines = log().lines()) {
      return lines.filter(l -> l.contains(text)).toList();
    }
  }

  public String log() {
    return jvm.output();
  }

  /** Ends the process if a test left it running: only the pid this object started. */
  @Override
  public void close() throws InterruptedException {
    if (jvm.alive()) kill();
  }
}
