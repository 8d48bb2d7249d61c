package todo.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for tests: no
 * well-kept Java library parses it (Prometheus' own Java client only writes it). It takes
 * HELP and TYPE lines and samples with labels, escapes and special values, and refuses
 * anything else with the line number: a malformed line, a second HELP or TYPE for a
 * metric, a TYPE after its samples, a sample given twice, a value that is no number.
 */
final class PrometheusText {

  /** One sample: its metric name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  final Map<String, String> help = new LinkedHashMap<>();
  final Map<String, String> types = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    Set<String> seen = new HashSet<>();
    Set<String> sampled = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        if (i == lines.length - 1) continue; // the text ends with a line feed
        throw new IllegalArgumentException("line " + (i + 1) + " is empty");
      }
      try {
        if (line.startsWith("#")) parsed.comment(line, sampled);
        else parsed.sample(line, seen, sampled);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not Prometheus text (" + e.getMessage() + "): " + line, e);
      }
    }
    return parsed;
  }

  private void comment(String line, Set<String> sampled) {
    String[] parts = line.split(" ", 4);
    if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) return; // a plain comment
    String name = metricName(parts[2]);
    if (parts[1].equals("HELP")) {
      if (help.put(name, parts.length == 4 ? unescapeHelp(parts[3]) : "") != null) throw new IllegalArgumentException("a second HELP for " + name);
    } else {
      if (parts.length != 4 || !TYPES.contains(parts[3])) throw new IllegalArgumentException("no known type");
      if (sampled.contains(name)) throw new IllegalArgumentException("TYPE after the samples of " + name);
      if (types.put(name, parts[3]) != null) throw new IllegalArgumentException("a second TYPE for " + name);
    }
  }

  private void sample(String line, Set<String> seen, Set<String> sampled) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = metricName(line.substring(0, i));
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) throw new IllegalArgumentException("bad label name '" + label + "'");
        if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException("label value not quoted");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
          if (c == '\\') {
            char e = line.charAt(++j);
            value.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) throw new IllegalArgumentException("label " + label + " twice");
        i = j + 1;
        if (line.charAt(i) == ',') i++;
        else if (line.charAt(i) != '}') throw new IllegalArgumentException("expected , or } after a label");
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') throw new IllegalArgumentException("no space before the value");
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length > 2) throw new IllegalArgumentException("more than a value and a timestamp");
    double value = number(rest[0]);
    if (rest.length == 2) Long.parseLong(rest[1]);
    if (!seen.add(name + labels)) throw new IllegalArgumentException("a second sample of " + name + labels);
    sampled.add(family(name));
    samples.add(new Sample(name, Map.copyOf(labels), value));
  }

  /** The metric a sample belongs to: a histogram's _bucket, _sum and _count are its family's. */
  private String family(String name) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) return base;
      }
    }
    return name;
  }

  private static String metricName(String name) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw new IllegalArgumentException("bad metric name '" + name + "'");
    return name;
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!text.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) throw new IllegalArgumentException("bad value '" + text + "'");
        yield Double.parseDouble(text);
      }
    };
  }

  private static String unescapeHelp(String text) {
    return text.replace("\\n", "\n").replace("\\\\", "\\");
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels} (name, value, ...); 0 when none. */
  double value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) wanted.put(labels[i], labels[i + 1]);
    List<Sample> found = samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet())).toList();
    if (found.size() > 1) throw new IllegalStateException(found.size() + " samples of " + name + wanted);
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }
}
