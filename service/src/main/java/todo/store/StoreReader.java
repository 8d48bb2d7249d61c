package todo.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;

/**
 * A node's SQLite file read from outside the node, read-only, for checks: tests, the fault
 * campaign, {@code todo demo}. WAL lets it read while the node writes. It reads only columns
 * whose meaning is settled, so a new column or compacted tombstones change nothing here.
 * Each call reads in one transaction of its own.
 */
public final class StoreReader implements AutoCloseable {

  /** An entry as the file holds it (a live one: not deleted). */
  public record StoredEntry(long id, String date, String title, boolean completed) {}

  /** Every row of an entry, deleted ones too, with the position and version it was written at. */
  public record StoredRow(long id, String date, String title, boolean completed, long position, boolean deleted,
                          long version) {}

  /** A list's version and live entries, read at one moment. */
  public record StoredList(long version, List<StoredEntry> entries) {}

  /** How many lists a file holds, and how many changes made them (each change advances its list's version by one). */
  public record Contents(long lists, long changes) {}

  private final Connection connection;

  private StoreReader(Connection connection) {
    this.connection = connection;
  }

  /** Opens {@code file} read-only; waits up to 10 s for the node's write lock. */
  public static StoreReader open(Path file) throws SQLException {
    if (!Files.exists(file)) throw new SQLException("no store at " + file);
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    return new StoreReader(DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties()));
  }

  /** The list's version, 0 when the file does not hold it. */
  public long version(String list) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT version FROM lists WHERE name = ?")) {
      q.setString(1, list);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  /** How many lists the file holds and the changes they went through. */
  public Contents contents() throws SQLException {
    try (Statement s = connection.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(version), 0) FROM lists")) {
      r.next();
      return new Contents(r.getLong(1), r.getLong(2));
    }
  }

  /** The list's live entries, by id. */
  public List<StoredEntry> entries(String list) throws SQLException {
    return rows(list).stream().filter(r -> !r.deleted())
        .map(r -> new StoredEntry(r.id(), r.date(), r.title(), r.completed())).toList();
  }

  /** Every row of the list, tombstones included, by id: to compare two files row for row. */
  public List<StoredRow> rows(String list) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement(
        "SELECT id, date, title, completed, ord, deleted, version FROM entries WHERE list = ? ORDER BY id")) {
      q.setString(1, list);
      List<StoredRow> rows = new ArrayList<>();
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          rows.add(new StoredRow(r.getLong(1), r.getString(2), r.getString(3), r.getInt(4) != 0, r.getLong(5),
              r.getInt(6) != 0, r.getLong(7)));
        }
      }
      return rows;
    }
  }

  /**
   * Every list in the file with its version and live entries, from one read transaction. Entries
   * of a list without a list row (which a correct store never has) show as that list at version 0.
   */
  public Map<String, StoredList> lists() throws SQLException {
    connection.setAutoCommit(false); // versions and rows from the same moment
    try (Statement s = connection.createStatement()) {
      Map<String, Long> versions = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT name, version FROM lists")) {
        while (r.next()) versions.put(r.getString(1), r.getLong(2));
      }
      Map<String, List<StoredEntry>> entries = new TreeMap<>();
      try (ResultSet r = s.executeQuery(
          "SELECT list, id, date, title, completed FROM entries WHERE deleted = 0 ORDER BY list, id")) {
        while (r.next()) {
          entries.computeIfAbsent(r.getString(1), l -> new ArrayList<>())
              .add(new StoredEntry(r.getLong(2), r.getString(3), r.getString(4), r.getInt(5) != 0));
        }
      }
      Map<String, StoredList> lists = new TreeMap<>();
      versions.forEach((list, v) -> lists.put(list, new StoredList(v, entries.getOrDefault(list, List.of()))));
      entries.forEach((list, e) -> lists.putIfAbsent(list, new StoredList(0, e)));
      return lists;
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
