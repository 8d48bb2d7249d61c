import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills a node's SQLite file with COUNT copies of one list the node itself wrote, for
 * bench/scale.sh: the copies are named PREFIX0000001, PREFIX0000002... (7 digits, so that
 * names sort as they are numbered and every b-tree is written in order), each with the
 * template's rows in every table (lists, epochs, entries, requests) as the product wrote
 * them, only the list's name changed and each request id made its own (its last 8
 * characters replaced by the copy's number in hex). So the file holds what COUNT lists
 * written through HTTP would leave, made in seconds rather than hours.
 *
 * <p>Run with the node stopped: java -cp service/target/todo.jar bench/ScaleLists.java FILE TEMPLATE PREFIX COUNT
 * It leaves the file in WAL mode, as the node keeps it, with an empty WAL.
 */
public class ScaleLists {
  public static void main(String[] args) throws SQLException {
    String file = args[0], template = args[1], prefix = args[2];
    int count = Integer.parseInt(args[3]);
    long started = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      // a bulk load: no WAL, no sync (the file is copied whole or the run fails); back to WAL after
      s.execute("PRAGMA journal_mode=DELETE");
      s.execute("PRAGMA synchronous=OFF");
      s.execute("PRAGMA cache_size=-262144"); // 256 MiB: the b-trees' paths stay in memory
      c.setAutoCommit(false);
      requireTemplate(s, template);
      String numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + count + ") ";
      String name = "printf('%s%07d', '" + prefix + "', n.i)";
      String from = " FROM n CROSS JOIN %s t WHERE t.%s = '" + template + "'"; // n outer: rows come in name order
      long lists = s.executeUpdate(numbers + "INSERT INTO lists (name, version, next_id, epoch, promised, promised_by, compacted) "
          + "SELECT " + name + ", t.version, t.next_id, t.epoch, t.promised, t.promised_by, t.compacted"
          + from.formatted("lists", "name"));
      long epochs = s.executeUpdate(numbers + "INSERT INTO epochs (list, first_version, epoch) "
          + "SELECT " + name + ", t.first_version, t.epoch" + from.formatted("epochs", "list"));
      long entries = s.executeUpdate(numbers + "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) "
          + "SELECT " + name + ", t.id, t.date, t.title, t.completed, t.ord, t.deleted, t.version"
          + from.formatted("entries", "list"));
      long requests = s.executeUpdate(numbers + "INSERT INTO requests (list, version, id, entry_id) "
          + "SELECT " + name + ", t.version, substr(t.id, 1, length(t.id) - 8) || printf('%08x', n.i), t.entry_id"
          + from.formatted("requests", "list"));
      c.commit();
      c.setAutoCommit(true);
      s.execute("PRAGMA journal_mode=WAL");
      System.out.printf("%s: %d lists copied from %s (%d lists, %d epochs, %d entries, %d requests rows) in %d ms%n",
          file, count, template, lists, epochs, entries, requests, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static void requireTemplate(Statement s, String template) throws SQLException {
    try (ResultSet r = s.executeQuery("SELECT count(*) FROM lists WHERE name = '" + template + "' AND version > 0")) {
      r.next();
      if (r.getInt(1) != 1) throw new IllegalArgumentException("no list " + template + " in the file");
    }
  }
}
