package todo.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.ToIntFunction;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import todo.list.TodoList;

/**
 * One node's SQLite file, blocking: its connections and transactions. Call it only from the
 * database dispatcher. One writer connection applies batches of updates in one transaction
 * each ({@link ListCopy} has the rules); reads use a small pool of their own connections,
 * which WAL lets run beside the writer. The replica set's acceptor row is written under the
 * same lock as the batches, so a change is checked against the replica set either before a
 * step or after it, never during.
 */
final class SqliteFile implements AutoCloseable {

  /**
   * Pages the WAL takes before a commit copies them into the file (SQLite's default: 1,000).
   * The copy writes each page once however many commits changed it meanwhile, and writes it
   * whole into a 4 KiB page of the file's cache, so a longer WAL writes the pages that many
   * changes share (a list's row, the last page of its entries) fewer times: 20,000 pages of
   * 1 KiB, about 21 MB, wrote a quarter less per change than 1,000 over 1,000 busy lists.
   */
  static final int WAL_PAGES = 20_000;

  private final Path file;
  private final String synchronous;
  private Connection writer; // null after a failed transaction, until the next one opens it again
  private final BlockingQueue<Connection> readers;
  /** The replica set, as stored: read once at open, changed only under this object's lock. */
  private Acceptor replicaSet;

  /**
   * Opens (creating when needed) {@code file}. {@code synchronous} is SQLite's
   * {@code PRAGMA synchronous}, FULL or NORMAL (checked by {@link StoreSettings}). In WAL
   * mode, FULL syncs the WAL at every commit, so a commit survives a power cut; NORMAL syncs
   * only at checkpoints, so a commit survives a crash of the process but not necessarily of
   * the machine. Both sync the WAL before a checkpoint copies it and the file after.
   */
  SqliteFile(Path file, int readConnections, String synchronous) throws SQLException {
    this.file = file;
    this.synchronous = synchronous;
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    writer = open(synchronous);
    writer.setAutoCommit(false);
    Schema.migrate(writer, file.toString(), Schema.MIGRATIONS);
    replicaSet = ReplicaSetTable.read(writer);
    writer.commit();
    writer.setAutoCommit(true);
    Schema.resizePages(writer, file.toString());
    writer.setAutoCommit(false);
    readers = new ArrayBlockingQueue<>(readConnections);
    for (int i = 0; i < readConnections; i++) readers.add(open(synchronous));
  }

  private Connection open(String synchronous) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=" + Schema.PAGE_SIZE); // for a new file; one that has pages keeps them
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=" + WAL_PAGES);
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
      for (Object u : updates) results.add(ListCopy.apply(writer, u, replicaSet));
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

  // ---- reads, each in one read transaction

  /** The latest requests that changed {@code list}, newest first. */
  List<Delta.Request> recentRequests(String list) throws SQLException {
    return read(c -> ListTables.requestsSince(c, list, 0, ListTables.REQUESTS_KEPT));
  }

  /** What a copy of {@code list} at {@code since} lacks of this one: a delta, or a snapshot. */
  Delta delta(String list, Position since) throws SQLException {
    return read(c -> ListCopy.delta(c, list, since));
  }

  /**
   * The deltas that copies at {@code since} (list by list, in name order) lack, in one read
   * transaction: those of the first lists, as many as fit in {@code maxBytes} by
   * {@code bytes}, and always the first.
   */
  List<Delta> deltas(SortedMap<String, Position> since, ToIntFunction<Delta> bytes, int maxBytes) throws SQLException {
    return read(c -> {
      List<Delta> found = new ArrayList<>();
      int total = 0;
      for (var list : since.entrySet()) {
        Delta d = ListCopy.delta(c, list.getKey(), list.getValue());
        total += bytes.applyAsInt(d);
        if (!found.isEmpty() && total > maxBytes) break;
        found.add(d);
      }
      return found;
    });
  }

  /** Where this copy of {@code list} stands. */
  Position position(String list) throws SQLException {
    return read(c -> ListTables.head(c, list).position());
  }

  /** Where this file's copies of {@code lists} stand, in one read. */
  Map<String, Position> positionsOf(Collection<String> lists) throws SQLException {
    return read(c -> {
      Map<String, Position> found = new HashMap<>();
      for (String list : lists) found.put(list, ListTables.head(c, list).position());
      return found;
    });
  }

  /** The newest epoch promised for {@code list} here, 0 when none. */
  long promised(String list) throws SQLException {
    return read(c -> ListTables.head(c, list).promised());
  }

  /** A page of the lists held here, by name after {@code after}: what catch-up compares. */
  SortedMap<String, Position> positions(String after, int limit) throws SQLException {
    return read(c -> ListTables.positions(c, after, limit));
  }

  /** Names of the lists held here, by name after {@code after}: see {@link ListTables#names}. */
  List<String> names(String after, int limit, String containing) throws SQLException {
    return read(c -> ListTables.names(c, after, limit, containing));
  }

  /** The list as stored here; an empty list at version 0 when this file never saw it. */
  TodoList load(String name) throws SQLException {
    return read(c -> ListCopy.load(c, name));
  }

  long listCount() throws SQLException {
    return read(ListTables::listCount);
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

  // ---- the replica set's acceptor row: each step commits before it returns

  synchronized Acceptor replicaSet() {
    return replicaSet;
  }

  synchronized Acceptor promiseReplicaSet(long version, Ballot ballot) throws SQLException {
    Acceptor next = replicaSet.promise(version, ballot);
    if (next != replicaSet) saveReplicaSet(next);
    return replicaSet;
  }

  synchronized boolean acceptReplicaSet(Configuration proposal, Ballot ballot) throws SQLException {
    Acceptor next = replicaSet.accept(proposal, ballot);
    if (next == replicaSet) return false;
    saveReplicaSet(next);
    return true;
  }

  synchronized boolean learnReplicaSet(Configuration chosen) throws SQLException {
    Acceptor next = replicaSet.learn(chosen);
    if (next == replicaSet) return false;
    saveReplicaSet(next);
    return true;
  }

  private void saveReplicaSet(Acceptor next) throws SQLException {
    transaction(() -> {
      ReplicaSetTable.save(writer, next);
      return null;
    });
    replicaSet = next;
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
