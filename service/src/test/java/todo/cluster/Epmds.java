package todo.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Erlang's own epmd, run by a test on a port of its own (Debian package erlang-base). */
final class Epmds implements AutoCloseable {

  static final String NOT_INSTALLED = "epmd not installed: apt-get install erlang-base";

  private final int port;
  private final Process process;

  private Epmds(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static boolean installed() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "epmd"))) return true;
    }
    return false;
  }

  /** Runs {@code epmd -port PORT} in the foreground (so this test owns its pid) and waits until it answers. */
  static Epmds start(int port, Path log) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("epmd", "-port", String.valueOf(port)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Epmds epmd = new Epmds(port, p);
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!epmd.command("-names").contains("up and running")) {
      if (!p.isAlive() || System.nanoTime() > giveUpAt) {
        epmd.close();
        throw new IllegalStateException("epmd -port " + port + " did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return epmd;
  }

  int port() {
    return port;
  }

  /** Runs {@code epmd -port PORT ARG} (as -names) and returns what it printed. */
  String command(String arg) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("epmd", "-port", String.valueOf(port), arg).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    return out;
  }

  /** {@code epmd -kill}, and SIGKILL of the pid this test started if it is still there. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) command("-kill");
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
