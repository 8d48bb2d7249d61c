package todo.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The campaign's numbers, as the table {@code todo faults} prints and the report starts with. */
record Summary(Campaign.Settings settings, String network, List<Op> ops, Map<String, Integer> faults,
               Checker.Verdict verdict, long convergedMs, Duration convergeTimeout) {

  String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("todo faults --nodes %d --duration %ds --clients %d --lists %d --seed %d%n", settings.nodes(),
        settings.duration().toSeconds(), settings.clients(), settings.lists(), settings.seed()));
    b.append("network: ").append(network).append('\n');
    row(b, "operations", ops.size(), "add " + count(Op.Kind.ADD) + ", update " + count(Op.Kind.UPDATE)
        + ", delete " + count(Op.Kind.DELETE));
    row(b, "acknowledged", count(Op.Outcome.ACK), "");
    row(b, "refused", count(Op.Outcome.REFUSED), "503 or 4xx");
    long neverSent = ops.stream().filter(o -> o.outcome() == Op.Outcome.UNKNOWN && o.detail().startsWith("ConnectException")).count();
    row(b, "unknown", count(Op.Outcome.UNKNOWN), "time-out or connection error (" + neverSent + " of them: connection refused, the node was down)");
    for (String fault : List.of("kill", "pause", "partition-isolate", "partition-split")) row(b, fault, faults.getOrDefault(fault, 0), "");
    row(b, "stop", faults.getOrDefault("stop", 0), "SIGTERM, back with --connect");
    row(b, "stop-lone", faults.getOrDefault("stop-lone", 0), "SIGTERM, back alone from its folder a while, then with --connect");
    row(b, "stop-all", faults.getOrDefault("stop-all", 0), "SIGTERM to every node, back " + orders());
    row(b, "stop-killed", faults.getOrDefault("stop-killed", 0), "nodes killed after not leaving within "
        + Stops.LEAVE_TIMEOUT.toSeconds() + " s of SIGTERM");
    row(b, "restart-after-exit", faults.getOrDefault("restart-after-exit", 0), "nodes that exited by themselves (downed), started again");
    row(b, "cluster-reformed", reformed(), "the whole cluster went down with a majority alive; n1 started alone");
    row(b, "lost", verdict.lost().size(), "");
    row(b, "resurrected", verdict.resurrected().size(), "");
    row(b, "duplicated", verdict.duplicated().size(), "");
    row(b, "divergent", verdict.divergent().size(), "lists");
    b.append(String.format("  %-20s %s%n", "converged", convergedMs >= 0
        ? String.format("yes, %.1f s after the heal", convergedMs / 1000.0)
        : "NO within " + convergeTimeout.toSeconds() + " s"));
    b.append(String.format("  %-20s %s%n", "result", passed() ? "PASS" : "FAIL"));
    return b.toString();
  }

  /**
   * Nothing lost, resurrected, duplicated or divergent, the stores converged, and the
   * cluster never had to be re-formed by hand (an outage with a majority alive).
   */
  boolean passed() {
    return verdict.clean() && convergedMs >= 0 && reformed() == 0;
  }

  /** How the stopped clusters came back: {@code lone-then-lone 1, together 2}. */
  private String orders() {
    StringBuilder b = new StringBuilder();
    for (Stops.Order o : Stops.Order.values()) {
      int n = faults.getOrDefault("stop-all/" + o.label(), 0);
      if (n > 0) b.append(b.length() == 0 ? "" : ", ").append(o.label()).append(' ').append(n);
    }
    return b.length() == 0 ? "(orders: none)" : "(" + b + ")";
  }

  private int reformed() {
    return faults.getOrDefault("cluster-reformed", 0);
  }

  private long count(Op.Kind kind) {
    return ops.stream().filter(o -> o.kind() == kind).count();
  }

  private long count(Op.Outcome outcome) {
    return ops.stream().filter(o -> o.outcome() == outcome).count();
  }

  private static void row(StringBuilder b, String what, long n, String note) {
    b.append(String.format("  %-20s %8d%s%n", what, n, note.isEmpty() ? "" : "   " + note));
  }
}
