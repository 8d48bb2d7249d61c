package todo.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The campaign's report file, for whoever has to find out what went wrong: the summary,
 * each anomaly, the notes, each list's final version and row count per node, the faults
 * and the whole history, on the clients' clock.
 */
final class Report {

  private Report() {}

  /** Makes sure the report can be written before a campaign spends its minutes; a one-line IOException if not. */
  static void prepare(Path file) throws IOException {
    Path report = file.toAbsolutePath();
    try {
      if (report.getParent() != null) Files.createDirectories(report.getParent());
      Files.writeString(report, "todo faults: running; the report comes at the end.\n");
    } catch (IOException e) {
      throw new IOException("cannot write the report " + report + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  static void write(Path file, Summary summary, List<Op> ops, Map<String, Map<String, Checker.ListCopy>> stores,
                    List<String> faults) throws IOException {
    Checker.Verdict verdict = summary.verdict();
    List<String> lines = new ArrayList<>();
    lines.add(summary.table());
    lines.add("== anomalies (" + verdict.all().size() + ")");
    verdict.all().forEach(a -> lines.add(a.toString()));
    lines.add("== notes (" + verdict.notes().size() + ")");
    lines.addAll(verdict.notes());
    lines.add("== final version/live rows of each list, per node store");
    Set<String> lists = new TreeSet<>(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
    stores.values().forEach(m -> lists.addAll(m.keySet()));
    for (String list : lists) {
      StringBuilder b = new StringBuilder(list + ":");
      stores.forEach((node, m) -> b.append(' ').append(node).append('=')
          .append(m.containsKey(list) ? m.get(list).version() + "/" + m.get(list).rows().size() : "-"));
      lines.add(b.toString());
    }
    lines.add("== faults (seconds since the clients started)");
    lines.addAll(faults);
    lines.add("== history: seq, sent..answered (ms since the clients started), client, kind, list, id, title, completed,"
        + " node, outcome, status, detail");
    ops.stream().sorted(Comparator.comparingLong(Op::seq)).forEach(op -> lines.add(op.toString()));
    Path report = file.toAbsolutePath();
    if (report.getParent() != null) Files.createDirectories(report.getParent());
    Files.write(report, lines);
  }
}
