package todo.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import todo.launch.ProductJar;
import todo.node.NodeName;
import todo.node.NodeSettings;

/**
 * {@code todo start --daemon}: the same node started detached (a session of its own, so that
 * closing the terminal does not stop it), its output appended to {@code <db-folder>/<node>/todo.log}
 * beside its data and its pid file. Returns once the node serves (it writes its pid file then),
 * or with the end of its log when it exits first.
 */
final class Daemon {

  private static final Duration START = Duration.ofSeconds(120);
  private static final int LOG_LINES = 20;

  private Daemon() {}

  /** Starts the node {@code s} as {@code todo start ARGS} would, less {@code --daemon}; prints one line; 0 once it serves. */
  static int start(NodeSettings s, List<String> args) throws IOException, InterruptedException {
    Path folder = s.dbFolder().resolve(NodeName.shortName(s.node())).toAbsolutePath().normalize();
    PidFile pidFile = new PidFile(folder.resolve("todo.pid"));
    Path log = folder.resolve("todo.log");
    Optional<Long> running = pidFile.running();
    if (running.isPresent()) {
      throw new ExitCodes.Failed(s.node() + " is already running (pid " + running.get() + ", " + pidFile.path() + ")");
    }
    Files.createDirectories(folder);
    pidFile.delete(); // a stale one, left by a node that was killed
    Process node = new ProcessBuilder(command(args, pidFile.path()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    long giveUpAt = System.nanoTime() + START.toNanos();
    while (!pidFile.read().filter(pid -> pid == node.pid()).isPresent()) {
      if (!node.isAlive()) {
        List<String> lines = Files.readAllLines(log);
        lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()).forEach(System.err::println);
        throw new ExitCodes.Failed(s.node() + " exited with " + node.exitValue() + " while starting (its log: " + log + ")");
      }
      if (System.nanoTime() > giveUpAt) {
        throw new ExitCodes.Failed(s.node() + " (pid " + node.pid() + ") does not serve after " + START.toSeconds()
            + " s; it keeps trying (its log: " + log + ")");
      }
      Thread.sleep(100);
    }
    System.out.println(s.node() + " is up: pid " + node.pid() + ", log " + log);
    return 0;
  }

  /** {@code [setsid] java FLAGS -jar todo.jar start ARGS --pid-file F}, with this JVM's flags. */
  private static List<String> command(List<String> args, Path pidFile) {
    List<String> command = new ArrayList<>();
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        command.add(setsid); // exec's java: the pid stays the node's
        break;
      }
    }
    command.addAll(ProductJar.javaCommand(ProductJar.path(), ManagementFactory.getRuntimeMXBean().getInputArguments()));
    command.add("start");
    for (String a : args) if (!a.equals("--daemon")) command.add(a);
    command.addAll(List.of("--pid-file", pidFile.toString()));
    return command;
  }
}
