package todo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution that {@code mvn package} builds, as an operator gets it: unpacked into a
 * folder of its own, run from another working folder and through a symbolic link, with no
 * Maven on the PATH (only bash, readlink and dirname; java through JAVA_HOME).
 */
class DistributionIT {

  private static final Path TARGET = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize()
      .resolve("service").resolve("target");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dir;
  private static Path home;
  private static Path link;
  private static Path elsewhere;
  private static Path path;
  private final List<Process> started = new ArrayList<>();
  /** Commands that run at the same time, three at once: more JVMs starting together only share two cores. */
  private final java.util.concurrent.ExecutorService commands = java.util.concurrent.Executors.newFixedThreadPool(3);

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball;
    try (Stream<Path> files = Files.list(TARGET)) {
      tarball = files.filter(f -> f.getFileName().toString().matches("todo-cluster-.*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no todo-cluster-*.tar.gz in " + TARGET + ": run mvn package"));
    }
    Path opt = Files.createDirectories(dir.resolve("opt"));
    assertThat(new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", opt.toString()).inheritIO().start().waitFor()).isZero();
    try (Stream<Path> unpacked = Files.list(opt)) {
      home = unpacked.findFirst().orElseThrow();
    }
    link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("usr-local-bin")).resolve("todo"), home.resolve("bin/todo"));
    elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    path = Files.createDirectories(dir.resolve("path"));
    for (String tool : List.of("bash", "readlink", "dirname")) {
      Files.copy(which(tool), path.resolve(tool), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES); // a link out of the temporary folder makes JUnit warn
    }
  }

  @AfterEach
  void killNodes() throws InterruptedException {
    commands.shutdownNow();
    for (Process p : List.copyOf(started)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void itHoldsTheLauncherTheJarTheSettingsTheReadmeAndTheLicence() throws IOException {
    assertThat(home.getFileName().toString()).startsWith("todo-cluster-");
    for (String file : List.of("bin/todo", "lib/todo.jar", "conf/application.conf", "conf/logback.xml", "conf/todo.service",
        "README", "LICENSE")) {
      assertThat(home.resolve(file)).as(file).isRegularFile();
    }
    assertThat(Files.isExecutable(home.resolve("bin/todo"))).isTrue();
  }

  @Test
  void confHoldsTheJarsOwnSettingsAndLogging() throws IOException {
    try (JarFile jar = new JarFile(home.resolve("lib/todo.jar").toFile())) {
      for (String file : List.of("application.conf", "logback.xml")) {
        byte[] inJar = jar.getInputStream(jar.getEntry(file)).readAllBytes();
        assertThat(Files.readString(home.resolve("conf").resolve(file))).as("conf/" + file).isEqualTo(new String(inJar));
      }
    }
  }

  @Test
  void versionRunsWithoutMavenFromAnotherFolderAndThroughALink() throws Exception {
    Run direct = run(home.resolve("bin/todo"), Map.of(), "version");
    Run linked = run(link, Map.of(), "version");
    assertThat(direct.exitCode).as(direct.output).isZero();
    assertThat(direct.output).startsWith("todo-cluster ").doesNotContain("development build");
    assertThat(linked.output).isEqualTo(direct.output);
  }

  @Test
  void todoJavaOptsAddsToTheLaunchersFlagsAndWins() throws Exception {
    Run defaults = run(link, Map.of("TODO_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "version");
    assertThat(defaults.output).contains("-XX:+ExitOnOutOfMemoryError", "-XX:MaxHeapSize=536870912", "-XX:+UseSerialGC");
    Run added = run(link, Map.of("TODO_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx1g -XX:+UseParallelGC"), "version");
    assertThat(added.exitCode).as(added.output).isZero();
    assertThat(added.output).contains("-XX:+ExitOnOutOfMemoryError", "-XX:MaxHeapSize=1073741824", "-XX:+UseParallelGC")
        .doesNotContain("UseSerialGC");
  }

  @Test
  void aBadEnvironmentVariableIsOneLineAndExitCode2() throws Exception {
    Run bad = run(link, Map.of("TODO_DIST_PORT_RANGE", "9100"), "start");
    assertThat(bad.exitCode).as(bad.output).isEqualTo(2);
    assertThat(bad.output).isEqualTo("todo: TODO_DIST_PORT_RANGE takes two ports, low-high (as 9100-9199), not '9100'\n");
  }

  /**
   * conf/todo.service as systemd reads it: {@code systemd-analyze verify} finds nothing to say
   * (a misspelt setting is only a warning to it, so any output fails), with ExecStart pointed
   * at this unpacked bin/todo so that it checks the launcher is there and executable. Skipped,
   * saying so, where systemd-analyze is not installed.
   */
  @Test
  void theSystemdUnitVerifies() throws Exception {
    Path unit = home.resolve("conf/todo.service");
    String text = Files.readString(unit);
    for (String line : List.of("Restart=on-failure", "KillSignal=SIGTERM", "TimeoutStopSec=60s", "SuccessExitStatus=143",
        "User=todo", "EnvironmentFile=/etc/todo/todo.env", "StateDirectory=todo", "LimitNOFILE=65536")) {
      assertThat(text).as("conf/todo.service").containsPattern("(?m)^" + Pattern.quote(line) + "$");
    }
    Path analyze;
    try {
      analyze = which("systemd-analyze");
    } catch (IOException missing) {
      Assumptions.abort("systemd-analyze is not installed (apt-get install systemd): cannot verify conf/todo.service");
      return;
    }
    Path here = Files.createDirectories(dir.resolve("units")).resolve("todo.service");
    Files.writeString(here, text.replace("ExecStart=/opt/todo-cluster/bin/todo ", "ExecStart=" + home.resolve("bin/todo") + " "));
    Process verify = new ProcessBuilder(analyze.toString(), "verify", here.toString()).redirectErrorStream(true).start();
    String said = new String(verify.getInputStream().readAllBytes());
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(said).as("systemd-analyze verify said").isEmpty();
    assertThat(verify.exitValue()).isZero();
  }

  /**
   * A node started through the link from another folder serves, on the HTTP port of the
   * distribution's conf/application.conf (edited as an operator would), and keeps its data
   * under that folder; it is killed by its pid (the launcher exec's java).
   */
  @Test
  void startServesWithTheSettingsOfConf() throws Exception {
    int port = TestNodes.freePort();
    Path conf = home.resolve("conf/application.conf");
    String settings = Files.readString(conf);
    Files.writeString(conf, settings.replace("http-port = 5454", "http-port = " + port));
    try {
      Path log = dir.resolve("node.log");
      ProcessBuilder builder = command(link, Map.of("TODO_NAME", "d1@127.0.0.1", "TODO_HTTP_HOST", "127.0.0.1"), "start")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Process node = builder.start();
      started.add(node);
      long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!healthy(port)) {
        assertThat(node.isAlive()).as("the node exited: %s", Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("the node did not serve in 120 s: %s", Files.readString(log)).isLessThan(giveUpAt);
        Thread.sleep(200);
      }
      assertThat(node.toHandle().info().command().orElse("")).endsWith("java");
      assertThat(elsewhere.resolve("persist/d1/todo.db")).isRegularFile();
      node.destroyForcibly();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      Files.writeString(conf, settings);
    }
  }

  /**
   * The node-control commands of the distribution, run from another folder as an operator
   * would: two daemons, ping, nodes, rpc, a remsh session fed through a pipe, a wrong cookie
   * refused by each command, stop, and a node killed with SIGKILL started again over its
   * stale pid file. The commands that need no particular order run at the same time.
   */
  @Test
  void nodeControlStartsPingsEvaluatesAndStopsNodes() throws Exception {
    // C1 alone for the nodes and the commands: a dozen JVMs start here, and none lives long
    // enough for C2's compilations to pay back (the launcher already does it for ping, nodes, stop, rpc).
    Map<String, String> env = Map.of("ERL_EPMD_PORT", String.valueOf(TestNodes.freePort()), "TODO_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
    Map<String, String> wrongCookie = Map.of("ERL_EPMD_PORT", env.get("ERL_EPMD_PORT"), "TODO_COOKIE", "not-the-cookie",
        "TODO_JAVA_OPTS", env.get("TODO_JAVA_OPTS"));
    String c1 = "c1@127.0.0.1";
    String c2 = "c2@127.0.0.1";
    Path pid1 = elsewhere.resolve("persist/c1/todo.pid");
    Path pid2 = elsewhere.resolve("persist/c2/todo.pid");
    String start1 = String.valueOf(TestNodes.freePort());
    try {
      Run daemon = run(link, env, "start", "--daemon", "--name", c1, "--http-port", start1);
      assertThat(daemon.exitCode).as(daemon.output).isZero();
      assertThat(daemon.output).isEqualTo(c1 + " is up: pid " + pidIn(pid1) + ", log " + elsewhere.resolve("persist/c1/todo.log") + "\n");
      assertThat(run(link, env, "ping", c1)).isEqualTo(new Run(0, "pong\n"));
      Run second = run(link, env, "start", "--daemon", "--name", c2, "--http-port", String.valueOf(TestNodes.freePort()),
          "--connect", c1);
      assertThat(second.exitCode).as(second.output).isZero();

      var again = async(env, "", "start", "--daemon", "--name", c1, "--http-port", start1);
      var nodes = async(env, "", "nodes", c1);
      var rpc = async(env, "", "rpc", c1, "1 + 1\nNode.list()");
      var throwing = async(env, "", "rpc", c2, "int zero = 0; 1 / zero");
      var remsh = async(env, "int x = 20;\nint twice(int a) {\n  return 2 * a;\n}\nSystem.out.println(\"twice: \" + twice(x));\nx + 22\n",
          "shell", "--remsh", c2);
      List<java.util.concurrent.CompletableFuture<Run>> refused = new ArrayList<>();
      for (List<String> args : List.of(List.of("ping", c1), List.of("nodes", c1), List.of("rpc", c1, "1"), List.of("stop", c1),
          List.of("shell", "--remsh", c1))) {
        refused.add(async(wrongCookie, "", args.toArray(String[]::new)));
      }
      assertThat(again.get()).isEqualTo(new Run(1, "todo: " + c1 + " is already running (pid " + pidIn(pid1) + ", " + pid1 + ")\n"));
      assertThat(nodes.get()).isEqualTo(new Run(0, c1 + " up\n" + c2 + " up\n"));
      assertThat(rpc.get()).isEqualTo(new Run(0, "$1 ==> 2\n$2 ==> [" + c2 + "]\n"));
      assertThat(throwing.get()).isEqualTo(new Run(1, "zero ==> 0\n|  Exception java.lang.ArithmeticException: / by zero\n"
          + "todo: / by zero\n"));
      assertThat(remsh.get()).isEqualTo(new Run(0, "x ==> 20\ntwice: 40\n$1 ==> 42\n"));
      assertThat(refused.get(0).get()).isEqualTo(new Run(1, "pang: " + c1 + " refused the handshake: is the cookie the cluster's?\n"));
      for (var other : refused.subList(1, refused.size())) {
        assertThat(other.get()).isEqualTo(new Run(1, "todo: " + c1 + " refused the handshake: is the cookie the cluster's?\n"));
      }
      assertThat(Files.readString(elsewhere.resolve("persist/c1/todo.log"))).contains("Refused a connection: its TLS handshake failed");

      long node2 = pidIn(pid2);
      assertThat(run(link, env, "stop", c2)).isEqualTo(new Run(0, c2 + " stopped\n"));
      awaitGone(node2);
      assertThat(pid2).doesNotExist();
      Run pang = run(link, env, "ping", c2);
      assertThat(pang.exitCode).isEqualTo(1);
      assertThat(pang.output).startsWith("pang: " + c2 + " is not registered").hasLineCount(1);

      long killed = pidIn(pid1);
      ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // SIGKILL: the pid file stays
      awaitGone(killed);
      Run gone = run(link, env, "ping", c1);
      assertThat(gone.exitCode).isEqualTo(1);
      assertThat(gone.output).startsWith("pang: ").hasLineCount(1);
      Run restarted = run(link, env, "start", "--daemon", "--name", c1, "--http-port", start1);
      assertThat(restarted.exitCode).as(restarted.output).isZero();
      assertThat(pidIn(pid1)).isNotEqualTo(killed);
      assertThat(run(link, env, "ping", c1)).isEqualTo(new Run(0, "pong\n"));
      long node1 = pidIn(pid1);
      assertThat(run(link, env, "stop", c1)).isEqualTo(new Run(0, c1 + " stopped\n"));
      awaitGone(node1);
      assertThat(pid1).doesNotExist();
    } finally {
      for (Path pidFile : List.of(pid1, pid2)) {
        if (Files.exists(pidFile)) ProcessHandle.of(pidIn(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private java.util.concurrent.CompletableFuture<Run> async(Map<String, String> env, String input, String... args) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return runWithInput(link, env, input, args);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, commands);
  }

  private static long pidIn(Path pidFile) throws IOException {
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()) {
      assertThat(System.nanoTime()).as("pid %d still runs after 60 s", pid).isLessThan(giveUpAt);
      Thread.sleep(100);
    }
  }

  private static boolean healthy(int port) throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  private record Run(int exitCode, String output) {}

  private Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
    return runWithInput(launcher, env, "", args);
  }

  private Run runWithInput(Path launcher, Map<String, String> env, String input, String... args) throws Exception {
    Process p = command(launcher, env, args).redirectErrorStream(true).start();
    synchronized (started) {
      started.add(p);
    }
    try (var stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("todo %s did not end", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), output);
  }

  /** The launcher run from another folder, with a PATH that has no Maven (nor java: JAVA_HOME gives it). */
  private static ProcessBuilder command(Path launcher, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("TODO_") || name.startsWith("MAVEN") || name.equals("M2_HOME"));
    environment.put("PATH", path.toString());
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("HOME", dir.toString());
    environment.put("TODO_COOKIE", "it-cookie");
    environment.put("ERL_EPMD_PORT", String.valueOf(TestNodes.freePort()));
    environment.putAll(env);
    return builder;
  }

  private static Path which(String tool) throws IOException {
    for (String folder : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(folder, tool);
      if (Files.isExecutable(candidate)) return candidate.toRealPath();
    }
    throw new IOException(tool + " is not on the PATH");
  }
}
