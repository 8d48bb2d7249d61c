package todo.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import todo.list.Change;
import todo.list.Entry;

/**
 * The rows of one list in a SQLite file, read and written on a connection the caller
 * holds (in its transaction): the {@code lists} row ({@link Head}), its {@code epochs},
 * {@code entries} and {@code requests}. {@link ListCopy} decides what to write; this
 * class only knows the SQL.
 */
final class ListTables {

  private ListTables() {}

  /** The list's row: where its copy stands, what it promised, how far tombstones were dropped. */
  record Head(Position position, long nextId, long promised, String promisedBy, long compacted) {
    static final Head NONE = new Head(Position.NONE, 1, 0, null, 0);
  }

  static Head head(Connection c, String list) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT version, epoch, next_id, promised, promised_by, compacted FROM lists WHERE name = ?")) {
      s.setString(1, list);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) return Head.NONE;
        return new Head(new Position(r.getLong(2), r.getLong(1)), r.getLong(3), r.getLong(4), r.getString(5), r.getLong(6));
      }
    }
  }

  static void saveHead(Connection c, String list, Head h) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO lists (name, version, next_id, epoch, promised, promised_by, compacted) VALUES (?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET version = excluded.version, next_id = excluded.next_id, epoch = excluded.epoch, "
            + "promised = excluded.promised, promised_by = excluded.promised_by, compacted = excluded.compacted")) {
      s.setString(1, list);
      s.setLong(2, h.position().version());
      s.setLong(3, h.nextId());
      s.setLong(4, h.position().epoch());
      s.setLong(5, h.promised());
      s.setString(6, h.promisedBy());
      s.setLong(7, h.compacted());
      s.executeUpdate();
    }
  }

  /** The epoch that made version {@code version} of {@code list} in this copy (0 for version 0). */
  static long epochAt(Connection c, String list, long version) throws SQLException {
    if (version == 0) return 0;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT epoch FROM epochs WHERE list = ? AND first_version <= ? ORDER BY first_version DESC LIMIT 1")) {
      s.setString(1, list);
      s.setLong(2, version);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  static void saveEpochStart(Connection c, String list, Delta.EpochStart e) throws SQLException {
    update(c, "INSERT OR REPLACE INTO epochs (list, first_version, epoch) VALUES (?, ?, ?)", list, e.firstVersion(), e.epoch());
  }

  /**
   * Drops the tombstones of {@code list} up to {@code through}, a version every replica
   * holds: none of them can miss those deletes any more. A copy older than that gets a
   * snapshot, never a delta (see {@link ListCopy#delta}).
   */
  static long compact(Connection c, String list, long through) throws SQLException {
    update(c, "DELETE FROM entries WHERE list = ? AND deleted = 1 AND version <= ?", list, through);
    return through;
  }

  /** How many of a list's latest requests are remembered, to answer a request sent again. */
  static final int REQUESTS_KEPT = 1000;

  static void rememberRequest(Connection c, String list, Delta.Request r) throws SQLException {
    update(c, "INSERT OR IGNORE INTO requests (list, version, id, entry_id) VALUES (?, ?, ?, ?)",
        list, r.version(), r.id(), r.entryId());
    if (r.version() % 100 == 0) { // now and then, forget the old ones
      update(c, "DELETE FROM requests WHERE list = ? AND version <= ?", list, r.version() - REQUESTS_KEPT);
    }
  }

  /**
   * Remembers a delta's {@code requests} with one statement, then forgets what is older than
   * the latest {@link #REQUESTS_KEPT}: the same rows as {@link #rememberRequest} for each, a
   * hundred times fewer statements prepared.
   */
  static void rememberRequests(Connection c, String list, List<Delta.Request> requests) throws SQLException {
    if (requests.isEmpty()) return;
    long newest = 0;
    try (PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO requests (list, version, id, entry_id) VALUES (?, ?, ?, ?)")) {
      for (Delta.Request r : requests) {
        s.setString(1, list);
        s.setLong(2, r.version());
        s.setString(3, r.id());
        s.setLong(4, r.entryId());
        s.addBatch();
        newest = Math.max(newest, r.version());
      }
      s.executeBatch();
    }
    if (newest > REQUESTS_KEPT) update(c, "DELETE FROM requests WHERE list = ? AND version <= ?", list, newest - REQUESTS_KEPT);
  }

  static List<Delta.Request> requestsSince(Connection c, String list, long since, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, version, entry_id FROM requests WHERE list = ? AND version > ? ORDER BY version DESC LIMIT ?")) {
      s.setString(1, list);
      s.setLong(2, since);
      s.setInt(3, limit);
      List<Delta.Request> found = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) found.add(new Delta.Request(r.getString(1), r.getLong(2), r.getLong(3)));
      }
      return found;
    }
  }

  /** Makes this copy the snapshot: rows, epochs and requests. */
  static void replace(Connection c, Delta snapshot) throws SQLException {
    String list = snapshot.list();
    for (String table : List.of("entries", "epochs", "requests")) update(c, "DELETE FROM " + table + " WHERE list = ?", list);
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insertRows(s, list, snapshot.rows());
    }
    for (Delta.EpochStart e : snapshot.epochs()) saveEpochStart(c, list, e);
    rememberRequests(c, list, snapshot.requests());
  }

  static void insertRows(PreparedStatement s, String list, List<Delta.Row> rows) throws SQLException {
    for (Delta.Row row : rows) {
      Entry e = row.entry();
      s.setString(1, list);
      s.setLong(2, e.id());
      s.setString(3, e.date().toString());
      s.setString(4, e.title());
      s.setInt(5, e.completed() ? 1 : 0);
      s.setLong(6, e.order());
      s.setInt(7, row.deleted() ? 1 : 0);
      s.setLong(8, row.version());
      s.addBatch();
    }
    s.executeBatch();
  }

  /**
   * Writes the rows {@code change} touches: a put's entry, a removal's or a clear's
   * tombstones. Returns the lowest next id the change allows (1 when it adds no entry).
   */
  static long write(Connection c, Change change) throws SQLException {
    String list = change.list();
    if (change instanceof Change.Put put) {
      Entry e = put.entry();
      update(c, "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, 0, ?) "
              + "ON CONFLICT (list, id) DO UPDATE SET date = excluded.date, title = excluded.title, "
              + "completed = excluded.completed, ord = excluded.ord, deleted = 0, version = excluded.version",
          list, e.id(), e.date().toString(), e.title(), e.completed() ? 1 : 0, e.order(), change.version());
    } else if (change instanceof Change.Remove remove) {
      update(c, "UPDATE entries SET deleted = 1, version = ? WHERE list = ? AND id = ?", change.version(), list, remove.id());
    } else {
      update(c, "UPDATE entries SET deleted = 1, version = ? WHERE list = ? AND deleted = 0", change.version(), list);
    }
    return change instanceof Change.Put put ? put.entry().id() + 1 : 1;
  }

  /** Every row of {@code list} changed after {@code version}, tombstones included. */
  static List<Delta.Row> rowsSince(Connection c, String list, long version) throws SQLException {
    return since(c, "SELECT id, date, title, completed, ord, deleted, version FROM entries WHERE list = ? AND version > ? "
        + "ORDER BY id", list, version, r -> new Delta.Row(entry(r), r.getInt(6) != 0, r.getLong(7)));
  }

  /** The epochs of {@code list} that began after {@code version}, oldest first. */
  static List<Delta.EpochStart> epochsSince(Connection c, String list, long version) throws SQLException {
    return since(c, "SELECT epoch, first_version FROM epochs WHERE list = ? AND first_version > ? ORDER BY first_version",
        list, version, r -> new Delta.EpochStart(r.getLong(1), r.getLong(2)));
  }

  private interface Row<T> {
    T of(ResultSet r) throws SQLException;
  }

  /** The rows {@code query} finds for {@code list} after {@code version}, its two parameters. */
  private static <T> List<T> since(Connection c, String query, String list, long version, Row<T> row) throws SQLException {
    List<T> found = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(query)) {
      s.setString(1, list);
      s.setLong(2, version);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) found.add(row.of(r));
      }
    }
    return found;
  }

  /** Runs {@code sql}, a statement that returns no rows, with {@code parameters} in order. */
  private static void update(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
      s.executeUpdate();
    }
  }

  /** A page of the lists held, by name after {@code after}, with their positions. */
  static SortedMap<String, Position> positions(Connection c, String after, int limit) throws SQLException {
    SortedMap<String, Position> page = new TreeMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT name, epoch, version FROM lists WHERE name > ? AND version > 0 ORDER BY name LIMIT ?")) {
      s.setString(1, after);
      s.setInt(2, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) page.put(r.getString(1), new Position(r.getLong(2), r.getLong(3)));
      }
    }
    return page;
  }

  /**
   * Up to {@code limit} names of the lists held, in ascending order after {@code after} (""
   * for the first page), only those containing {@code containing} ignoring case when it is not
   * null. The names come off the primary key's b-tree in order, from {@code after} on, and
   * reading stops at the {@code limit}-th match: a page costs its own rows, plus the names
   * skipped while searching, never the whole table. The match is made here rather than with
   * SQL's LIKE, whose case-folding knows ASCII only.
   */
  static List<String> names(Connection c, String after, int limit, String containing) throws SQLException {
    String needle = containing == null ? null : containing.toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT name FROM lists WHERE name > ? AND version > 0 ORDER BY name LIMIT ?")) {
      s.setString(1, after);
      s.setInt(2, needle == null ? limit : -1); // searching: as many as it takes, stopped below
      try (ResultSet r = s.executeQuery()) {
        while (names.size() < limit && r.next()) {
          String name = r.getString(1);
          if (needle == null || name.toLowerCase(Locale.ROOT).contains(needle)) names.add(name);
        }
      }
    }
    return names;
  }

  /** How many lists hold anything. */
  static long listCount(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM lists WHERE version > 0")) {
      return r.next() ? r.getLong(1) : 0L;
    }
  }

  /** The entries of {@code list} that are not deleted, by id. */
  static List<Entry> live(Connection c, String list) throws SQLException {
    List<Entry> live = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, date, title, completed, ord FROM entries WHERE list = ? AND deleted = 0 ORDER BY id")) {
      s.setString(1, list);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) live.add(entry(r));
      }
    }
    return live;
  }

  /** The entry in the first five columns of {@code r}: id, date, title, completed, ord. */
  private static Entry entry(ResultSet r) throws SQLException {
    return new Entry(r.getLong(1), LocalDate.parse(r.getString(2)), r.getString(3), r.getInt(4) != 0, r.getLong(5));
  }
}
