package todo.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import todo.cli.VersionCommand;

/**
 * {@code todo faults}: a fault campaign against a cluster of its own (docs/FAULTS.md).
 * Exit code 0: nothing lost, resurrected, duplicated or divergent, and the stores
 * converged; 1: an anomaly or no convergence (see the report); 2: bad flags.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "Run a fault campaign: a cluster of its own, clients writing through random nodes while nodes are "
        + "killed, paused, partitioned, stopped and started again alone or connected; then heal, wait for convergence and check every acknowledged write.")
final class FaultsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", description = "Nodes, 3 to 9 (default 3).")
  int nodes = 3;

  @Option(names = "--duration", paramLabel = "D", description = "How long clients and nemesis run: 90s, 2m, 1h (default 2m).")
  String duration = "2m";

  @Option(names = "--clients", paramLabel = "C", description = "Concurrent clients (default 6).")
  int clients = 6;

  @Option(names = "--lists", paramLabel = "L", description = "Lists the clients write to (default 20).")
  int lists = 20;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the clients' and the nemesis' choices (default: random, printed).")
  Long seed;

  @Option(names = "--faults", paramLabel = "F", split = ",", description = "Faults to inject: kill, pause, partition, stop, stop-all (default: all).")
  List<String> faults = List.of("kill", "pause", "partition", "stop", "stop-all");

  @Option(names = "--fault-interval", paramLabel = "D", description = "Mean time between faults (default 6s).")
  String faultInterval = "6s";

  @Option(names = "--no-netns", description = "Run the nodes on loopback even as root (no partitions).")
  boolean noNetns;

  @Option(names = "--converge-timeout", paramLabel = "D", description = "How long to wait for the stores to converge after the heal (default 60s).")
  String convergeTimeout = "60s";

  @Option(names = "--request-timeout", paramLabel = "D", description = "A client's wait for an answer; none is an unknown outcome (default 10s).")
  String requestTimeout = "10s";

  @Option(names = "--node-java-opts", paramLabel = "OPTS", description = "JVM flags of the nodes (default: ${DEFAULT-VALUE}).")
  String nodeJavaOpts = "-XX:+UseParallelGC -Xms128m -Xmx384m";

  @Option(names = "--report", paramLabel = "FILE", description = "Where to write the summary, anomalies, faults and history (default todo-faults-SEED.txt).")
  Path report;

  @Option(names = "--keep", description = "Keep the nodes' data and logs even when the campaign passes.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    if (nodes < 3 || nodes > 9) throw new ParameterException(spec.commandLine(), "--nodes must be 3 to 9, not " + nodes);
    if (clients < 1 || lists < 1) throw new ParameterException(spec.commandLine(), "--clients and --lists must be at least 1");
    Set<Campaign.Fault> kinds = EnumSet.noneOf(Campaign.Fault.class);
    for (String f : faults) {
      try {
        kinds.add(Campaign.Fault.valueOf(f.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "unknown fault '" + f + "': give kill, pause, partition, stop or stop-all");
      }
    }
    long s = seed != null ? seed : Math.abs(new java.util.Random().nextLong() % 1_000_000);
    Campaign.Settings settings = new Campaign.Settings(nodes, duration("--duration", duration), clients, lists, s, !noNetns,
        kinds, duration("--fault-interval", faultInterval), duration("--converge-timeout", convergeTimeout),
        duration("--request-timeout", requestTimeout), nodeJavaOpts,
        report != null ? report : Path.of("todo-faults-" + s + ".txt"), keep);
    try {
      return Campaign.run(settings, System.out);
    } catch (java.io.IOException e) {
      System.err.println("todo: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) { // the cluster never formed (a node did not start in time): no campaign ran
      System.err.println("todo: the campaign could not start its cluster: " + e.getMessage());
      return 1;
    }
  }

  /** {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT2M}). */
  private Duration duration(String option, String text) {
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      return Duration.parse(text.trim());
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), option + ": '" + text + "' is not a duration (like 90s, 2m, 1h)");
    }
  }
}
