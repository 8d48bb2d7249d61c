package todo.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a campaign's history against what the cluster holds at the end. Pure: it is
 * given the requests and each node's copy, and knows nothing of processes or HTTP.
 *
 * <p>An entry is created by an acknowledged add (its id comes from the answer) and is
 * then written only by the client that created it, one request at a time, so its history
 * is a sequence: the add, updates, and at most one delete, which is its last request.
 * A request that was refused or got no answer may or may not have happened. The rules,
 * checked in every copy (each node's HTTP answer, and each node's store of a list unless
 * another store holds a newer version of it: a copy that is behind is divergent, and
 * counting each entry it misses as lost too would bury the finding):
 * <ul>
 *   <li><b>lost</b>: an entry whose delete was not acknowledged is missing, unless a
 *       delete that was sent (refused or unknown) may have removed it; or it is present
 *       with a value that is neither the last acknowledged one nor one written by a
 *       later request that was not acknowledged.</li>
 *   <li><b>resurrected</b>: an entry whose delete was acknowledged is present.</li>
 *   <li><b>duplicated</b>: a title (unique by construction) on more than one row.</li>
 *   <li><b>divergent</b>: a list whose version or live rows differ between the nodes'
 *       stores.</li>
 * </ul>
 * An add through the book's API ({@code POST /add_entry}) is answered {@code OK}, without
 * the entry's id; it is never updated or deleted, and its title (unique too) is what finds
 * it: it is lost from a copy whose list holds no row with that title. Reads are not checked.
 * Rows with a title no request wrote are reported as notes.
 */
public final class Checker {

  /** A live entry as a copy holds it. */
  public record Row(long id, String title, boolean completed, String date) {}

  /** One list in one copy; {@code version} is -1 when the copy does not say (an HTTP answer). */
  public record ListCopy(long version, List<Row> rows) {}

  /**
   * What one source holds at the end: a node's store ({@code store} true, compared for
   * divergence) or the entries a node answered over HTTP. A list absent from a store's
   * map is a list that store never held (version 0, no rows).
   */
  public record Copy(String source, boolean store, Map<String, ListCopy> lists) {}

  public record Anomaly(String kind, String what, String detail) {
    @Override
    public String toString() {
      return kind + " " + what + ": " + detail;
    }
  }

  public record Verdict(List<Anomaly> lost, List<Anomaly> resurrected, List<Anomaly> duplicated,
                        List<Anomaly> divergent, List<String> notes) {
    public boolean clean() {
      return lost.isEmpty() && resurrected.isEmpty() && duplicated.isEmpty() && divergent.isEmpty();
    }

    public List<Anomaly> all() {
      List<Anomaly> all = new ArrayList<>(lost);
      all.addAll(resurrected);
      all.addAll(duplicated);
      all.addAll(divergent);
      return all;
    }
  }

  private record Key(String list, long id) {
    @Override
    public String toString() {
      return list + "/" + id;
    }
  }

  private record Value(String title, boolean completed) {
    @Override
    public String toString() {
      return "'" + title + "' completed=" + completed;
    }
  }

  private Checker() {}

  public static Verdict check(List<Op> history, List<Copy> copies) {
    Map<Key, List<Op>> entries = entries(history);
    List<Op> titledAdds = history.stream().filter(op -> op.kind() == Op.Kind.ADD && op.acknowledged() && op.id() < 0).toList();
    Map<String, Key> ownerOfTitle = new HashMap<>();
    for (Op op : history) {
      if (op.kind() == Op.Kind.DELETE || !op.writes()) continue;
      Key k = op.kind() == Op.Kind.ADD && !op.acknowledged() ? null : new Key(op.list(), op.id());
      ownerOfTitle.put(op.title(), k);
    }

    Map<String, Long> newest = new HashMap<>();
    for (Copy c : copies) if (c.store()) c.lists().forEach((list, lc) -> newest.merge(list, lc.version(), Math::max));
    Map<String, Anomaly> lost = new TreeMap<>();
    Map<String, Anomaly> resurrected = new TreeMap<>();
    Map<String, Anomaly> duplicated = new TreeMap<>();
    Set<String> notes = new TreeSet<>();
    for (Copy copy : copies) {
      Set<String> behind = new TreeSet<>();
      if (copy.store()) newest.forEach((list, v) -> {
        long mine = copy.lists().containsKey(list) ? copy.lists().get(list).version() : 0;
        if (mine < v) behind.add(list);
      });
      if (!behind.isEmpty()) notes.add(copy.source() + " is behind the newest store on lists " + behind
          + ": those copies count as divergent, not as lost or resurrected");
      Map<Key, Row> rows = new HashMap<>();
      Map<String, List<Key>> byTitle = new HashMap<>();
      copy.lists().forEach((list, lc) -> lc.rows().forEach(r -> {
        rows.put(new Key(list, r.id()), r);
        byTitle.computeIfAbsent(r.title(), t -> new ArrayList<>()).add(new Key(list, r.id()));
        if (!ownerOfTitle.containsKey(r.title())) notes.add("row " + list + "/" + r.id() + " '" + r.title() + "' in "
            + copy.source() + " was written by no request of this campaign");
      }));
      entries.forEach((key, ops) -> {
        if (!behind.contains(key.list())) checkEntry(key, ops, rows.get(key), copy.source(), lost, resurrected);
      });
      for (Op add : titledAdds) {
        if (behind.contains(add.list()) || byTitle.getOrDefault(add.title(), List.of()).stream()
            .anyMatch(k -> k.list().equals(add.list()))) continue;
        merge(lost, add.list() + "/'" + add.title() + "'", new Anomaly("lost", add.list() + "/'" + add.title() + "'",
            "acknowledged add (op " + add.seq() + ") missing in " + copy.source()));
      }
      byTitle.forEach((title, keys) -> {
        if (keys.size() > 1) merge(duplicated, title, new Anomaly("duplicated", "'" + title + "'",
            "on " + keys.size() + " rows " + keys + " in " + copy.source()));
      });
    }
    return new Verdict(List.copyOf(lost.values()), List.copyOf(resurrected.values()), List.copyOf(duplicated.values()),
        divergent(copies), List.copyOf(notes));
  }

  /** The requests on each entry an acknowledged add created, in the client's order. */
  private static Map<Key, List<Op>> entries(List<Op> history) {
    Map<Key, List<Op>> entries = new LinkedHashMap<>();
    history.stream().sorted(java.util.Comparator.comparingLong(Op::seq)).forEach(op -> {
      if (op.kind() == Op.Kind.ADD) {
        if (op.acknowledged() && op.id() >= 0) entries.put(new Key(op.list(), op.id()), new ArrayList<>(List.of(op)));
      } else {
        List<Op> ops = entries.get(new Key(op.list(), op.id()));
        if (ops != null) ops.add(op);
      }
    });
    return entries;
  }

  private static void checkEntry(Key key, List<Op> ops, Row row, String source,
                                 Map<String, Anomaly> lost, Map<String, Anomaly> resurrected) {
    Op delete = ops.get(ops.size() - 1).kind() == Op.Kind.DELETE ? ops.get(ops.size() - 1) : null;
    if (delete != null && delete.acknowledged()) {
      if (row != null) merge(resurrected, key.toString(), new Anomaly("resurrected", key.toString(),
          "delete acknowledged (op " + delete.seq() + ") but " + new Value(row.title(), row.completed()) + " is in " + source));
      return;
    }
    int lastAck = 0;
    for (int i = 0; i < ops.size(); i++) if (ops.get(i).acknowledged() && ops.get(i).kind() != Op.Kind.DELETE) lastAck = i;
    Op acked = ops.get(lastAck);
    if (row == null) {
      if (delete == null) merge(lost, key.toString(), new Anomaly("lost", key.toString(),
          "acknowledged " + acked.kind().name().toLowerCase() + " (op " + acked.seq() + ", " + value(acked)
              + ") missing, never deleted, in " + source));
      return;
    }
    List<Value> allowed = new ArrayList<>(List.of(value(acked)));
    for (int i = lastAck + 1; i < ops.size(); i++) if (ops.get(i).kind() == Op.Kind.UPDATE) allowed.add(value(ops.get(i)));
    Value found = new Value(row.title(), row.completed());
    if (!allowed.contains(found)) merge(lost, key.toString(), new Anomaly("lost", key.toString(),
        "acknowledged " + acked.kind().name().toLowerCase() + " (op " + acked.seq() + ", " + value(acked)
            + ") not readable: " + source + " has " + found + (allowed.size() > 1 ? " (allowed: " + allowed + ")" : "")));
  }

  private static Value value(Op op) {
    return new Value(op.title(), op.completed());
  }

  /** Stores that differ, list by list, in version or in live rows. */
  private static List<Anomaly> divergent(List<Copy> copies) {
    List<Copy> stores = copies.stream().filter(Copy::store).toList();
    Set<String> lists = new TreeSet<>();
    stores.forEach(s -> lists.addAll(s.lists().keySet()));
    List<Anomaly> divergent = new ArrayList<>();
    for (String list : lists) {
      Map<String, Long> versions = new LinkedHashMap<>();
      Map<Set<Row>, List<String>> contents = new LinkedHashMap<>();
      for (Copy s : stores) {
        ListCopy lc = s.lists().getOrDefault(list, new ListCopy(0, List.of()));
        versions.put(s.source(), lc.version());
        contents.computeIfAbsent(Set.copyOf(lc.rows()), r -> new ArrayList<>()).add(s.source());
      }
      boolean sameVersion = versions.values().stream().distinct().count() == 1;
      if (sameVersion && contents.size() == 1) continue;
      StringBuilder detail = new StringBuilder("versions " + versions);
      if (contents.size() > 1) detail.append("; live rows differ: ").append(rowDifferences(contents));
      divergent.add(new Anomaly("divergent", "list " + list, detail.toString()));
    }
    return divergent;
  }

  /** What each group of stores holds that not all of them hold (at most a few rows each). */
  private static String rowDifferences(Map<Set<Row>, List<String>> contents) {
    Set<Row> common = null;
    for (Set<Row> rows : contents.keySet()) {
      if (common == null) common = new java.util.HashSet<>(rows);
      else common.retainAll(rows);
    }
    List<String> parts = new ArrayList<>();
    for (var e : contents.entrySet()) {
      Set<Row> shared = common;
      List<String> own = e.getKey().stream().filter(r -> !shared.contains(r)).map(Checker::show).sorted().toList();
      parts.add(e.getValue() + " " + e.getKey().size() + " rows, not in all: "
          + (own.size() > 5 ? own.subList(0, 5) + " and " + (own.size() - 5) + " more" : own));
    }
    return String.join(" | ", parts);
  }

  private static String show(Row r) {
    return r.id() + ":'" + r.title() + "'" + (r.completed() ? "+done" : "");
  }

  private static void merge(Map<String, Anomaly> found, String key, Anomaly a) {
    found.merge(key, a, (old, add) -> old.detail().contains(add.detail()) ? old
        : new Anomaly(old.kind(), old.what(), old.detail() + "; " + sourceOf(add)));
  }

  private static String sourceOf(Anomaly a) {
    int in = a.detail().lastIndexOf(" in ");
    return in < 0 ? a.detail() : "also" + a.detail().substring(in);
  }
}
