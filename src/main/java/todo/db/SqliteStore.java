package todo.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import todo.list.Change;
import todo.list.Entry;
import todo.list.TodoList;

/**
 * One node's SQLite file. Blocking: call it only from the database dispatcher.
 *
 * <p>Rows, not blobs: {@code lists} holds each list's version and next id, {@code entries}
 * one row per entry, stamped with the version that last changed it. A deleted entry stays
 * as a tombstone ({@code deleted = 1}) so that a change arriving late can never bring it
 * back. One writer connection applies batches of changes in one transaction each; reads use
 * a small pool of their own connections, which WAL lets run beside the writer.
 */
final class SqliteStore implements AutoCloseable {

  /** What storing one change did. */
  enum Outcome {
    /** Applied now. */
    APPLIED,
    /** Applied before (this version is the one stored): storing is idempotent. */
    ALREADY_APPLIED,
    /**
     * Not applied: this store holds a newer version than the change's, so whoever made
     * the change started from a stale copy.
     */
    AHEAD,
    /** Not applied: the store lacks the versions between its own and this one. */
    GAP
  }

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS lists (
        name    TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        next_id INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS entries (
        list      TEXT NOT NULL,
        id        INTEGER NOT NULL,
        date      TEXT NOT NULL,
        title     TEXT NOT NULL,
        completed INTEGER NOT NULL,
        ord       INTEGER NOT NULL,
        deleted   INTEGER NOT NULL DEFAULT 0,
        version   INTEGER NOT NULL,
        PRIMARY KEY (list, id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS requests (
        list     TEXT NOT NULL,
        id       TEXT NOT NULL,
        version  INTEGER NOT NULL,
        entry_id INTEGER NOT NULL,
        PRIMARY KEY (list, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS requests_by_version ON requests (list, version);
      CREATE TABLE IF NOT EXISTS replicas (
        node    TEXT PRIMARY KEY,
        added   INTEGER NOT NULL,
        removed INTEGER NOT NULL
      ) WITHOUT ROWID;
      """;

  private final Path file;
  private final Connection writer;
  private final BlockingQueue<Connection> readers;

  /**
   * Opens (creating when needed) {@code file}. {@code synchronous} is SQLite's
   * {@code PRAGMA synchronous}: NORMAL survives a crash of the process, FULL also a crash
   * of the machine, at an fsync per transaction.
   */
  SqliteStore(Path file, int readConnections, String synchronous) throws SQLException {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    writer = open(synchronous);
    writer.setAutoCommit(false);
    try (Statement s = writer.createStatement()) {
      for (String ddl : SCHEMA.split(";")) if (!ddl.isBlank()) s.execute(ddl);
    }
    writer.commit();
    readers = new ArrayBlockingQueue<>(readConnections);
    for (int i = 0; i < readConnections; i++) readers.add(open(synchronous));
  }

  private Connection open(String synchronous) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + synchronous);
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  Path file() {
    return file;
  }

  /**
   * Applies {@code changes} in order in one transaction: all of them are durable when this
   * returns, or none when it throws. Each change is applied once, in version order.
   */
  synchronized List<Outcome> apply(List<?> updates) throws SQLException {
    List<Outcome> outcomes = new ArrayList<>(updates.size());
    try {
      for (Object u : updates) outcomes.add(u instanceof Delta d ? applyDelta(d) : applyOne((Change) u));
      writer.commit();
      return outcomes;
    } catch (SQLException | RuntimeException e) {
      writer.rollback();
      throw e;
    }
  }

  private Outcome applyOne(Change change) throws SQLException {
    long stored = storedVersion(writer, change.list());
    if (change.version() == stored) return Outcome.ALREADY_APPLIED;
    if (change.version() < stored) return Outcome.AHEAD;
    if (change.version() > stored + 1) return Outcome.GAP;
    long nextIdFloor = 1;
    if (change instanceof Change.Put put) {
      Entry e = put.entry();
      try (PreparedStatement s = writer.prepareStatement(
          "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, 0, ?) "
              + "ON CONFLICT (list, id) DO UPDATE SET date = excluded.date, title = excluded.title, "
              + "completed = excluded.completed, ord = excluded.ord, deleted = 0, version = excluded.version")) {
        s.setString(1, change.list());
        s.setLong(2, e.id());
        s.setString(3, e.date().toString());
        s.setString(4, e.title());
        s.setInt(5, e.completed() ? 1 : 0);
        s.setLong(6, e.order());
        s.setLong(7, change.version());
        s.executeUpdate();
      }
      nextIdFloor = e.id() + 1;
    } else if (change instanceof Change.Remove remove) {
      try (PreparedStatement s = writer.prepareStatement(
          "UPDATE entries SET deleted = 1, version = ? WHERE list = ? AND id = ?")) {
        s.setLong(1, change.version());
        s.setString(2, change.list());
        s.setLong(3, remove.id());
        s.executeUpdate();
      }
    } else {
      try (PreparedStatement s = writer.prepareStatement(
          "UPDATE entries SET deleted = 1, version = ? WHERE list = ? AND deleted = 0")) {
        s.setLong(1, change.version());
        s.setString(2, change.list());
        s.executeUpdate();
      }
    }
    try (PreparedStatement s = writer.prepareStatement(
        "INSERT INTO lists (name, version, next_id) VALUES (?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET version = excluded.version, next_id = max(next_id, excluded.next_id)")) {
      s.setString(1, change.list());
      s.setLong(2, change.version());
      s.setLong(3, nextIdFloor);
      s.executeUpdate();
    }
    if (change.request() != null) {
      long entryId = change instanceof Change.Put put ? put.entry().id() : 0;
      rememberRequest(change.list(), new Delta.Request(change.request(), change.version(), entryId));
    }
    return Outcome.APPLIED;
  }

  /** How many of a list's latest requests are remembered, to answer a request sent again. */
  static final int REQUESTS_KEPT = 1000;

  private void rememberRequest(String list, Delta.Request r) throws SQLException {
    try (PreparedStatement s = writer.prepareStatement(
        "INSERT OR IGNORE INTO requests (list, id, version, entry_id) VALUES (?, ?, ?, ?)")) {
      s.setString(1, list);
      s.setString(2, r.id());
      s.setLong(3, r.version());
      s.setLong(4, r.entryId());
      s.executeUpdate();
    }
    if (r.version() % 100 == 0) { // now and then, forget the old ones
      try (PreparedStatement s = writer.prepareStatement("DELETE FROM requests WHERE list = ? AND version <= ?")) {
        s.setString(1, list);
        s.setLong(2, r.version() - REQUESTS_KEPT);
        s.executeUpdate();
      }
    }
  }

  /** The latest requests that changed {@code list}, newest first. */
  List<Delta.Request> recentRequests(String list) throws SQLException {
    Connection c = takeReader();
    try {
      return requestsSince(c, list, 0, REQUESTS_KEPT);
    } finally {
      readers.add(c);
    }
  }

  private static List<Delta.Request> requestsSince(Connection c, String list, long since, int limit) throws SQLException {
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

  /** Brings this copy up to {@code delta.toVersion()}, if the delta starts at or before it. */
  private Outcome applyDelta(Delta delta) throws SQLException {
    long stored = storedVersion(writer, delta.list());
    if (delta.toVersion() <= stored) return Outcome.ALREADY_APPLIED;
    if (delta.fromVersion() > stored) return Outcome.GAP;
    try (PreparedStatement s = writer.prepareStatement(
        "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (list, id) DO UPDATE SET date = excluded.date, title = excluded.title, "
            + "completed = excluded.completed, ord = excluded.ord, deleted = excluded.deleted, version = excluded.version "
            + "WHERE excluded.version > entries.version")) {
      for (Delta.Row row : delta.rows()) {
        Entry e = row.entry();
        s.setString(1, delta.list());
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
    try (PreparedStatement s = writer.prepareStatement(
        "INSERT INTO lists (name, version, next_id) VALUES (?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET version = excluded.version, next_id = max(next_id, excluded.next_id)")) {
      s.setString(1, delta.list());
      s.setLong(2, delta.toVersion());
      s.setLong(3, delta.nextId());
      s.executeUpdate();
    }
    for (Delta.Request r : delta.requests()) rememberRequest(delta.list(), r);
    return Outcome.APPLIED;
  }

  /** Every row of {@code list} changed after {@code since}, with the list's version: what a copy at {@code since} lacks. */
  Delta delta(String list, long since) throws SQLException {
    Connection c = takeReader();
    try {
      c.setAutoCommit(false);
      try {
        long version = 0;
        long nextId = 1;
        try (PreparedStatement s = c.prepareStatement("SELECT version, next_id FROM lists WHERE name = ?")) {
          s.setString(1, list);
          try (ResultSet r = s.executeQuery()) {
            if (r.next()) {
              version = r.getLong(1);
              nextId = r.getLong(2);
            }
          }
        }
        List<Delta.Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT id, date, title, completed, ord, deleted, version FROM entries WHERE list = ? AND version > ? ORDER BY id")) {
          s.setString(1, list);
          s.setLong(2, since);
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              rows.add(new Delta.Row(new Entry(r.getLong(1), LocalDate.parse(r.getString(2)), r.getString(3),
                  r.getInt(4) != 0, r.getLong(5)), r.getInt(6) != 0, r.getLong(7)));
            }
          }
        }
        return new Delta(list, since, version, nextId, rows, requestsSince(c, list, since, REQUESTS_KEPT));
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } finally {
      readers.add(c);
    }
  }

  private static long storedVersion(Connection c, String list) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM lists WHERE name = ?")) {
      s.setString(1, list);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  /** The list as stored here; an empty list at version 0 when this store never saw it. */
  TodoList load(String name) throws SQLException {
    Connection c = takeReader();
    try {
      c.setAutoCommit(false); // one read transaction: the list row and its entries agree
      try {
        long version = 0;
        long nextId = 1;
        try (PreparedStatement s = c.prepareStatement("SELECT version, next_id FROM lists WHERE name = ?")) {
          s.setString(1, name);
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) return TodoList.empty(name);
            version = r.getLong(1);
            nextId = r.getLong(2);
          }
        }
        List<Entry> live = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT id, date, title, completed, ord FROM entries WHERE list = ? AND deleted = 0 ORDER BY id")) {
          s.setString(1, name);
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              live.add(new Entry(r.getLong(1), LocalDate.parse(r.getString(2)), r.getString(3),
                  r.getInt(4) != 0, r.getLong(5)));
            }
          }
        }
        return TodoList.restore(name, version, nextId, live);
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } finally {
      readers.add(c);
    }
  }

  /** The replica set as this node last saved it: each node's last join and removal (see {@code ReplicaSet}). */
  synchronized java.util.Map<String, ReplicaSet.Stamp> replicas() throws SQLException {
    java.util.Map<String, ReplicaSet.Stamp> stamps = new java.util.TreeMap<>();
    try (Statement s = writer.createStatement(); ResultSet r = s.executeQuery("SELECT node, added, removed FROM replicas")) {
      while (r.next()) stamps.put(r.getString(1), new ReplicaSet.Stamp(r.getLong(2), r.getLong(3)));
    }
    writer.commit();
    return stamps;
  }

  /** Replaces the stored replica set. Runs beside the batch writer, so it shares its lock. */
  synchronized void saveReplicas(java.util.Map<String, ReplicaSet.Stamp> stamps) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.executeUpdate("DELETE FROM replicas");
    }
    try (PreparedStatement s = writer.prepareStatement("INSERT INTO replicas (node, added, removed) VALUES (?, ?, ?)")) {
      for (var e : stamps.entrySet()) {
        s.setString(1, e.getKey());
        s.setLong(2, e.getValue().added());
        s.setLong(3, e.getValue().removed());
        s.addBatch();
      }
      s.executeBatch();
    }
    writer.commit();
  }

  long listCount() throws SQLException {
    Connection c = takeReader();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM lists")) {
      return r.next() ? r.getLong(1) : 0;
    } finally {
      readers.add(c);
    }
  }

  /** The version of {@code list} stored here, 0 when none. */
  long version(String list) throws SQLException {
    Connection c = takeReader();
    try {
      return storedVersion(c, list);
    } finally {
      readers.add(c);
    }
  }

  private Connection takeReader() throws SQLException {
    try {
      return readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a read connection", e);
    }
  }

  @Override
  public void close() {
    List<Connection> all = new ArrayList<>(readers);
    all.add(writer);
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing at shutdown: nothing left to save
      }
    }
  }
}
