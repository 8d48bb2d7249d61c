package todo.db;

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

  /** An outcome, with where the copy stands after it. */
  record Result(Outcome outcome, Position position, long promised, long replicaSet) {
    Result(Outcome outcome, Position position, long promised) {
      this(outcome, position, promised, 0);
    }

    boolean stored() {
      return outcome == Outcome.APPLIED || outcome == Outcome.ALREADY_APPLIED;
    }
  }

  /**
   * A new server of {@code list} in {@code epoch}, on {@code node}, asks this store to take
   * no change of an older epoch from now on. Granted when the epoch is higher than any
   * promised before (or is the same server asking again).
   */
  record Promise(String list, long epoch, String node, long replicaSet) {
    /** Unchecked against the replica set (tests). */
    Promise(String list, long epoch, String node) {
      this(list, epoch, node, 0);
    }
  }

  /**
   * A delta to apply. {@code authority}: the epoch of the server that sends it (a stale
   * server is refused), or -1 when this node pulled it itself (catch-up, server start).
   */
  record Pulled(Delta delta, long authority) {}

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS lists (
        name        TEXT PRIMARY KEY,
        version     INTEGER NOT NULL,
        next_id     INTEGER NOT NULL,
        epoch       INTEGER NOT NULL DEFAULT 0,
        promised    INTEGER NOT NULL DEFAULT 0,
        promised_by TEXT,
        compacted   INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS epochs (
        list          TEXT NOT NULL,
        first_version INTEGER NOT NULL,
        epoch         INTEGER NOT NULL,
        PRIMARY KEY (list, first_version)
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
      """ + ReplicaSetTable.SCHEMA;

  /** Columns added since the first release, for files made before them. */
  private static final String[][] ADDED_COLUMNS = {
    {"lists", "epoch", "INTEGER NOT NULL DEFAULT 0"},
    {"lists", "promised", "INTEGER NOT NULL DEFAULT 0"},
    {"lists", "promised_by", "TEXT"},
    {"lists", "compacted", "INTEGER NOT NULL DEFAULT 0"},
  };

  /** Tombstones are dropped in steps of this many versions, not on every change. */
  static final long COMPACTION_STEP = 100;

  private final Path file;
  private final String synchronous;
  private Connection writer; // null after a failed transaction, until the next one opens it again
  private final BlockingQueue<Connection> readers;
  /** The replica set, as stored: read once at open, changed only under this object's lock. */
  private ReplicaSetTable.Acceptor replicaSet;

  /**
   * Opens (creating when needed) {@code file}. {@code synchronous} is SQLite's
   * {@code PRAGMA synchronous}, FULL or NORMAL (checked by the caller). In WAL mode, FULL
   * syncs the WAL at every commit, so a commit survives a power cut; NORMAL syncs only at
   * checkpoints, so a commit survives a crash of the process but not necessarily of the
   * machine. Both sync the WAL before a checkpoint copies it and the file after.
   */
  SqliteStore(Path file, int readConnections, String synchronous) throws SQLException {
    this.file = file;
    this.synchronous = synchronous;
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    writer = open(synchronous);
    writer.setAutoCommit(false);
    try (Statement s = writer.createStatement()) {
      for (String ddl : SCHEMA.split(";")) if (!ddl.isBlank()) s.execute(ddl);
      for (String[] column : ADDED_COLUMNS) {
        boolean present;
        try (ResultSet r = s.executeQuery("SELECT 1 FROM pragma_table_info('" + column[0] + "') WHERE name = '" + column[1] + "'")) {
          present = r.next();
        }
        if (!present) s.execute("ALTER TABLE " + column[0] + " ADD COLUMN " + column[1] + " " + column[2]);
      }
    }
    replicaSet = ReplicaSetTable.read(writer);
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
   * Applies {@code updates} ({@link Stamped} changes, {@link Pulled} deltas, {@link Promise}s)
   * in order in one transaction: all of them are committed when this returns (and synced to
   * disk under {@code synchronous = FULL}), or none when it throws.
   */
  synchronized List<Result> apply(List<?> updates) throws SQLException {
    return transaction(() -> {
      List<Result> results = new ArrayList<>(updates.size());
      for (Object u : updates) {
        if (u instanceof Stamped stamped) results.add(applyChange(stamped));
        else if (u instanceof Pulled pulled) results.add(applyDelta(pulled.delta(), pulled.authority()));
        else if (u instanceof Promise promise) results.add(promise(promise));
        else throw new IllegalArgumentException("cannot store " + u.getClass().getSimpleName());
      }
      return results;
    });
  }

  private interface Writing<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code writing} on the writer and commits it: all of it is durable when this
   * returns, none of it when it throws. A failed transaction's connection is closed (which
   * rolls back whatever SQLite left of it) and the next transaction opens a fresh one.
   * Rolling back on the same connection is not enough: on a full disk or an I/O error SQLite
   * has already rolled the transaction back itself, so the driver's {@code rollback()} fails,
   * hiding the cause, and never begins the next transaction: every later statement would
   * then commit on its own, outside any batch.
   */
  private <T> T transaction(Writing<T> writing) throws SQLException {
    if (writer == null) {
      Connection c = open(synchronous);
      c.setAutoCommit(false);
      writer = c;
    }
    try {
      T result = writing.run();
      writer.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      writer = null;
      throw e;
    }
  }

  private Result promise(Promise p) throws SQLException {
    ListTables.Head h = ListTables.head(writer, p.list());
    if (p.replicaSet() != 0 && !replicaSet.admits(p.replicaSet())) return otherReplicaSet(h);
    boolean granted = p.epoch() > h.promised() || (p.epoch() == h.promised() && p.node().equals(h.promisedBy()));
    if (!granted) return new Result(Outcome.STALE, h.position(), h.promised());
    if (p.epoch() != h.promised()) ListTables.saveHead(writer, p.list(), new ListTables.Head(h.position(), h.nextId(), p.epoch(), p.node(), h.compacted()));
    return new Result(Outcome.APPLIED, h.position(), p.epoch());
  }

  private Result applyChange(Stamped stamped) throws SQLException {
    Change change = stamped.change();
    String list = change.list();
    ListTables.Head h = ListTables.head(writer, list);
    Position at = h.position();
    if (stamped.replicaSet() != 0 && !replicaSet.admits(stamped.replicaSet())) return otherReplicaSet(h);
    if (stamped.epoch() < h.promised()) return new Result(Outcome.STALE, at, h.promised());
    if (change.version() <= at.version()) {
      boolean same = ListTables.epochAt(writer, list, change.version()) == stamped.epoch();
      return new Result(same ? Outcome.ALREADY_APPLIED : Outcome.DIVERGED, at, h.promised());
    }
    if (change.version() > at.version() + 1) return new Result(Outcome.GAP, at, h.promised());
    if (at.epoch() != stamped.previousEpoch()) return new Result(Outcome.DIVERGED, at, h.promised());

    long nextId = Math.max(h.nextId(), ListTables.write(writer, change));
    if (stamped.epoch() != at.epoch()) ListTables.saveEpochStart(writer, list, new Delta.EpochStart(stamped.epoch(), change.version()));
    long compacted = h.compacted();
    if (stamped.compactThrough() >= compacted + COMPACTION_STEP) compacted = ListTables.compact(writer, list, stamped.compactThrough());
    Position now = stamped.position();
    long promised = Math.max(h.promised(), stamped.epoch());
    ListTables.saveHead(writer, list, new ListTables.Head(now, nextId, promised, promised == h.promised() ? h.promisedBy() : null, compacted));
    if (change.request() != null) {
      long entryId = change instanceof Change.Put put ? put.entry().id() : 0;
      ListTables.rememberRequest(writer, list, new Delta.Request(change.request(), change.version(), entryId));
    }
    return new Result(Outcome.APPLIED, now, promised);
  }

  /** The latest requests that changed {@code list}, newest first. */
  List<Delta.Request> recentRequests(String list) throws SQLException {
    return read(c -> ListTables.requestsSince(c, list, 0, ListTables.REQUESTS_KEPT));
  }

  /**
   * Brings this copy to {@code delta.to()}. A delta extends a copy that is on its history;
   * a snapshot replaces a copy that is not, if the snapshot is further on (see
   * {@link Position}); a copy before the delta's start is told GAP, one off its history
   * DIVERGED.
   */
  private Result applyDelta(Delta delta, long authority) throws SQLException {
    String list = delta.list();
    ListTables.Head h = ListTables.head(writer, list);
    Position at = h.position();
    if (authority >= 0 && authority < h.promised()) return new Result(Outcome.STALE, at, h.promised());
    long promised = Math.max(h.promised(), authority);
    String promisedBy = promised == h.promised() ? h.promisedBy() : null;
    if (at.version() >= delta.to().version() && ListTables.epochAt(writer, list, delta.to().version()) == delta.to().epoch()) {
      return new Result(Outcome.ALREADY_APPLIED, at, h.promised());
    }
    boolean onHistory = at.equals(delta.at(at.version()));
    if (delta.isSnapshot() && (onHistory || delta.to().isAfter(at))) {
      ListTables.replace(writer, delta);
      ListTables.saveHead(writer, list, new ListTables.Head(delta.to(), delta.nextId(), promised, promisedBy, delta.compacted()));
      return new Result(Outcome.APPLIED, delta.to(), promised);
    }
    if (delta.isSnapshot()) return new Result(Outcome.NEWER_HERE, at, h.promised());
    if (!onHistory) return new Result(at.version() < delta.from().version() ? Outcome.GAP : Outcome.DIVERGED, at, h.promised());

    try (PreparedStatement s = writer.prepareStatement(
        "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (list, id) DO UPDATE SET date = excluded.date, title = excluded.title, "
            + "completed = excluded.completed, ord = excluded.ord, deleted = excluded.deleted, version = excluded.version "
            + "WHERE excluded.version > entries.version")) {
      ListTables.insertRows(s, list, delta.rows());
    }
    for (Delta.EpochStart e : delta.epochs()) if (e.firstVersion() > at.version()) ListTables.saveEpochStart(writer, list, e);
    for (Delta.Request r : delta.requests()) if (r.version() > at.version()) ListTables.rememberRequest(writer, list, r);
    ListTables.saveHead(writer, list, new ListTables.Head(delta.to(), Math.max(h.nextId(), delta.nextId()), promised, promisedBy, h.compacted()));
    return new Result(Outcome.APPLIED, delta.to(), promised);
  }

  /**
   * What a copy at {@code since} lacks: a delta when {@code since} is on this copy's history
   * and no tombstone after it was dropped, else a snapshot.
   */
  Delta delta(String list, Position since) throws SQLException {
    return read(c -> {
      ListTables.Head h = ListTables.head(c, list);
      boolean extend = since.version() > 0 && since.version() <= h.position().version()
          && since.version() >= h.compacted() && ListTables.epochAt(c, list, since.version()) == since.epoch();
      Position from = extend ? since : Position.NONE;
      List<Delta.Row> rows = ListTables.rowsSince(c, list, from.version());
      List<Delta.EpochStart> epochs = ListTables.epochsSince(c, list, from.version());
      return new Delta(list, from, h.position(), h.nextId(), h.compacted(), epochs, rows,
          ListTables.requestsSince(c, list, from.version(), ListTables.REQUESTS_KEPT));
    });
  }

  /** Where this copy of {@code list} stands. */
  Position position(String list) throws SQLException {
    return read(c -> ListTables.head(c, list).position());
  }

  /** Where this store's copies of {@code lists} stand, in one read. */
  java.util.Map<String, Position> positionsOf(java.util.Collection<String> lists) throws SQLException {
    return read(c -> {
      java.util.Map<String, Position> found = new java.util.HashMap<>();
      for (String list : lists) found.put(list, ListTables.head(c, list).position());
      return found;
    });
  }

  /** The newest epoch promised for {@code list} here, 0 when none. */
  long promised(String list) throws SQLException {
    return read(c -> ListTables.head(c, list).promised());
  }

  /** A page of the lists held here, by name after {@code after}: what catch-up compares. */
  java.util.SortedMap<String, Position> positions(String after, int limit) throws SQLException {
    return read(c -> {
      java.util.SortedMap<String, Position> page = new java.util.TreeMap<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT name, epoch, version FROM lists WHERE name > ? AND version > 0 ORDER BY name LIMIT ?")) {
        s.setString(1, after);
        s.setInt(2, limit);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) page.put(r.getString(1), new Position(r.getLong(2), r.getLong(3)));
        }
      }
      return page;
    });
  }

  /** The list as stored here; an empty list at version 0 when this store never saw it. */
  TodoList load(String name) throws SQLException {
    return read(c -> {
      ListTables.Head h = ListTables.head(c, name);
      if (h.position().version() == 0) return TodoList.empty(name);
      List<Entry> live = ListTables.live(c, name);
      return TodoList.restore(name, h.position().version(), h.nextId(), live);
    });
  }

  private interface Reading<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code reading} in one read transaction on a reader connection, so what it reads agrees. */
  private <T> T read(Reading<T> reading) throws SQLException {
    Connection c = takeReader();
    try {
      c.setAutoCommit(false);
      T result = reading.run(c);
      c.rollback();
      c.setAutoCommit(true);
      return result;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c); // it may be left inside a transaction: the next read opens a fresh one
      throw e;
    } finally {
      readers.add(c);
    }
  }

  /**
   * A change or a promise made under another replica set than this store's: refused, with
   * this store's version, so that no change counted against an old set's majority is
   * stored once the next set may have been chosen (see {@code ReplicaSet}).
   */
  private Result otherReplicaSet(ListTables.Head h) {
    return new Result(Outcome.OTHER_REPLICA_SET, h.position(), h.promised(), replicaSet.chosen().version());
  }

  // ---- the replica set, as an acceptor (ReplicaSet runs the protocol). Each call commits
  // before it returns, under the same lock as the batches of changes, so a change is
  // checked against the replica set either before a step or after it, never during.

  synchronized ReplicaSetTable.Acceptor replicaSet() {
    return replicaSet;
  }

  /** Promises {@code ballot} for the version after the chosen one, unless a higher ballot was promised. */
  synchronized ReplicaSetTable.Acceptor promiseReplicaSet(long version, Ballot ballot) throws SQLException {
    ReplicaSetTable.Acceptor a = replicaSet;
    if (version == a.chosen().version() + 1 && ballot.isAfter(a.promised())) {
      saveReplicaSet(new ReplicaSetTable.Acceptor(a.chosen(), ballot, a.accepted(), a.acceptedBallot()));
    }
    return replicaSet;
  }

  /** Accepts {@code proposal} unless a higher ballot was promised: true when accepted. */
  synchronized boolean acceptReplicaSet(Configuration proposal, Ballot ballot) throws SQLException {
    ReplicaSetTable.Acceptor a = replicaSet;
    if (proposal.version() != a.chosen().version() + 1 || a.promised().isAfter(ballot)) return false;
    saveReplicaSet(new ReplicaSetTable.Acceptor(a.chosen(), ballot, proposal, ballot));
    return true;
  }

  /** Takes {@code chosen} as the replica set when it is newer than this store's: true when it was. */
  synchronized boolean learnReplicaSet(Configuration chosen) throws SQLException {
    ReplicaSetTable.Acceptor a = replicaSet;
    if (chosen.version() <= a.chosen().version() && a.chosen().cluster().equals(chosen.cluster())) return false;
    saveReplicaSet(new ReplicaSetTable.Acceptor(chosen, Ballot.NONE, null, Ballot.NONE));
    return true;
  }

  private void saveReplicaSet(ReplicaSetTable.Acceptor next) throws SQLException {
    transaction(() -> {
      ReplicaSetTable.save(writer, next);
      return null;
    });
    replicaSet = next;
  }

  long listCount() throws SQLException {
    return read(c -> {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM lists WHERE version > 0")) {
        return r.next() ? r.getLong(1) : 0L;
      }
    });
  }

  /** A read connection from the pool; one closed after a failed read is opened again. */
  private Connection takeReader() throws SQLException {
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a read connection", e);
    }
    if (!c.isClosed()) return c;
    try {
      return open(synchronous);
    } catch (SQLException e) {
      readers.add(c); // keep its place in the pool for the next read to try again
      throw e;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // given up either way; the error that failed the work is the one to report
    }
  }

  @Override
  public synchronized void close() {
    List<Connection> all = new ArrayList<>(readers);
    if (writer != null) all.add(writer);
    for (Connection c : all) closeQuietly(c); // at shutdown: nothing left to save
  }
}
