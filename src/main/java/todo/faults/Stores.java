package todo.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a node's SQLite file from outside, read-only (WAL lets it while the node writes):
 * each list's version and its live rows. Only {@code lists.name, lists.version} and the
 * entries' {@code list, id, date, title, completed} where {@code deleted = 0} are read, so
 * new columns and compacted tombstones change nothing here.
 */
final class Stores {

  private Stores() {}

  /** Every list the file holds; empty when the node never created its file. */
  static Map<String, Checker.ListCopy> read(Path file) throws SQLException {
    Map<String, Checker.ListCopy> lists = new TreeMap<>();
    if (!Files.exists(file)) return lists;
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
         Statement s = c.createStatement()) {
      c.setAutoCommit(false); // one read transaction: versions and rows from the same moment
      Map<String, Long> versions = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT name, version FROM lists")) {
        while (r.next()) versions.put(r.getString(1), r.getLong(2));
      }
      Map<String, List<Checker.Row>> rows = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT list, id, date, title, completed FROM entries WHERE deleted = 0 ORDER BY list, id")) {
        while (r.next()) {
          rows.computeIfAbsent(r.getString(1), l -> new ArrayList<>())
              .add(new Checker.Row(r.getLong(2), r.getString(4), r.getInt(5) != 0, r.getString(3)));
        }
      }
      c.rollback();
      versions.forEach((list, v) -> lists.put(list, new Checker.ListCopy(v, rows.getOrDefault(list, List.of()))));
      rows.forEach((list, r) -> lists.putIfAbsent(list, new Checker.ListCopy(0, r))); // rows without a list row: shown as such
    }
    return lists;
  }

  /** The lists whose versions differ between {@code stores} (a list a store lacks is at 0 there). */
  static List<String> unequal(List<Map<String, Checker.ListCopy>> stores) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    stores.forEach(s -> names.addAll(s.keySet()));
    List<String> unequal = new ArrayList<>();
    for (String list : names) {
      long distinct = stores.stream().mapToLong(s -> s.containsKey(list) ? s.get(list).version() : 0).distinct().count();
      if (distinct > 1) unequal.add(list);
    }
    return unequal;
  }
}
