package todo.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import todo.launch.NodeJvm;
import todo.launch.ProductJar;
import todo.node.BadSettings;
import todo.node.NodeName;

/**
 * {@code todo launch}: starts nodes as background JVMs for scripts (the benchmarks), prints
 * one line per node, {@code NAME PID HTTP_PORT}, and exits; the nodes keep running and the
 * caller ends them by pid. Each node runs with this JVM's flags (the launcher's
 * {@code TODO_JAVA_OPTS} or its defaults) and environment ({@code TODO_COOKIE},
 * {@code ERL_EPMD_PORT}), keeps its data in {@code DB_FOLDER/<short name>/} and appends its
 * output to {@code LOG_FOLDER/<short name>.log}.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = "Start nodes as background JVMs (for scripts), print NAME PID HTTP_PORT for each, and exit.")
final class LaunchCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "NAME@HOST=PORT", description = "A node's full name and its HTTP port.")
  List<String> nodes;

  @Option(names = "--db-folder", required = true, paramLabel = "DIR", description = "The nodes' data folder.")
  Path dbFolder;

  @Option(names = "--log-folder", paramLabel = "DIR", description = "Where each node's log goes (default: the data folder).")
  Path logFolder;

  @Option(names = "--connect", paramLabel = "NODE@HOST", description = "A node of the cluster to join (repeatable).")
  List<String> connect = new ArrayList<>();

  @Option(names = "--http-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address the nodes serve HTTP on (default ${DEFAULT-VALUE}).")
  String httpHost;

  @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Wait until every node answers /health (default); --no-wait returns once their JVMs run.")
  boolean await;

  @Override
  public Integer call() throws Exception {
    Map<String, Integer> ports = new LinkedHashMap<>(); // every argument checked before any node starts
    for (String node : nodes) {
      int at = node.lastIndexOf('=');
      if (at < 0) throw new BadSettings(node + ": give NAME@HOST=PORT");
      String name = node.substring(0, at);
      NodeName.fromFullName(name, "NAME@HOST");
      if (ports.put(name, port(node.substring(at + 1))) != null) throw new BadSettings(name + " is given twice");
    }
    List<String> java = ProductJar.javaCommand(ProductJar.path(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    Path logs = logFolder == null ? dbFolder : logFolder;
    List<NodeJvm> started = new ArrayList<>();
    try {
      for (var node : ports.entrySet()) {
        NodeJvm jvm = new NodeJvm(new NodeJvm.Spec(node.getKey(), httpHost, node.getValue(), dbFolder,
            logs.resolve(NodeName.shortName(node.getKey()) + ".log"), java, Map.of()));
        jvm.start(connect, List.of());
        started.add(jvm);
      }
      if (await) for (NodeJvm jvm : started) jvm.awaitServing(Duration.ofSeconds(120));
    } catch (Exception e) { // ExitCodes says it in one line; the nodes this command started go with it
      for (NodeJvm jvm : started) jvm.kill();
      throw e;
    }
    for (NodeJvm jvm : started) System.out.println(jvm.name() + " " + jvm.pid() + " " + jvm.httpPort());
    return 0;
  }

  private static int port(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new BadSettings("'" + text + "' is not an HTTP port");
    }
  }
}
