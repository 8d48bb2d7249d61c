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
    for (Process p : started) {
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
    Process p = command(launcher, env, args).redirectErrorStream(true).start();
    started.add(p);
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
