package todo.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of a node's file, and its version: {@code PRAGMA user_version} holds the last
 * of {@link #MIGRATIONS} the file has been through, and opening it runs the ones it has not,
 * in order. A file newer than this code is refused: its tables may mean what this code does
 * not know. Rows, not blobs: {@code lists} holds each list's version and next id,
 * {@code entries} one row per entry, stamped with the version that last changed it. A
 * deleted entry stays as a tombstone ({@code deleted = 1}) so that a change arriving late
 * can never bring it back.
 *
 * <p>Shaped for few bytes per change, since every commit is synced and a synced commit
 * writes every page it dirtied to the WAL (and a checkpoint writes it again to the file):
 * a change dirties one page of {@code lists}, one of {@code entries} and one of
 * {@code requests}, each a b-tree of its own with no secondary index, in small pages.
 */
final class Schema {

  private static final Logger log = LoggerFactory.getLogger(Schema.class);

  private Schema() {}

  /**
   * SQLite's page: a change writes whole pages, so small ones cost less per change (about a
   * quarter of SQLite's default 4 KiB). Smaller still would split a long title over many.
   */
  static final int PAGE_SIZE = 1024;

  /**
   * A list's latest requests by the version they made: read newest first, forgotten oldest
   * first, and never looked up by id here (the list's server keeps them by id in memory),
   * so one b-tree serves all of it.
   */
  private static final String REQUESTS =
      """
      CREATE TABLE IF NOT EXISTS requests (
        list     TEXT NOT NULL,
        version  INTEGER NOT NULL,
        id       TEXT NOT NULL,
        entry_id INTEGER NOT NULL,
        PRIMARY KEY (list, version)
      ) WITHOUT ROWID;
      """;

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
      """ + REQUESTS + ReplicaSetTable.SCHEMA;

  /** Columns added since the first release, for files made before them. */
  private static final String[][] ADDED_COLUMNS = {
    {"lists", "epoch", "INTEGER NOT NULL DEFAULT 0"},
    {"lists", "promised", "INTEGER NOT NULL DEFAULT 0"},
    {"lists", "promised_by", "TEXT"},
    {"lists", "compacted", "INTEGER NOT NULL DEFAULT 0"},
  };

  /**
   * The schema's versions, in order; the last is the one this code reads and writes. Add a
   * step at the end for each change of the tables, never edit one that has shipped:
   * <ol>
   *   <li>The tables as issue 13 found them. A file of an earlier build has no version (0):
   *       this step creates what it lacks and brings older shapes to this one, so a file of
   *       today's shape passes through unchanged.
   * </ol>
   */
  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "its tables checked, and brought to the first versioned shape where older", Schema::createVersion1));

  /** The version of the schema this code reads and writes. */
  static final int VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  /**
   * Brings {@code file}, open on {@code c} (auto-commit off), to the last of {@code migrations}:
   * each step it has not been through in its own transaction, committed with its version, and
   * logged. Throws when the file is newer than the last step: the message names both versions.
   */
  static void migrate(Connection c, String file, List<Migration> migrations) throws SQLException {
    int known = migrations.get(migrations.size() - 1).version();
    try (Statement s = c.createStatement()) {
      int at = (int) number(s, "PRAGMA user_version");
      if (at > known) {
        c.rollback();
        throw new SQLException("its schema is version " + at + ", newer than this build's " + known
            + " (a newer release wrote it; run that release, or restore the backup taken before the upgrade)");
      }
      boolean fresh = number(s, "SELECT count(*) FROM sqlite_master") == 0; // created now: nothing migrated, nothing to say
      for (Migration m : migrations) {
        if (m.version() <= at) continue;
        try {
          m.step().run(s, file);
          s.execute("PRAGMA user_version = " + m.version());
          c.commit();
        } catch (SQLException e) {
          c.rollback(); // the file stays at the version before, whole
          throw new SQLException("its schema cannot be migrated from version " + at + " to " + m.version() + ": " + e.getMessage(), e);
        }
        if (!fresh) log.info("Store file {}: schema migrated from version {} to {}: {}.", file, at, m.version(), m.what());
        at = m.version();
      }
    }
  }

  /** Creates what is missing and brings a {@code file} of an earlier build to the shape of version 1. */
  private static void createVersion1(Statement s, String file) throws SQLException {
    boolean requestsById = exists(s, "SELECT 1 FROM pragma_table_info('requests') WHERE name = 'version' AND pk = 0");
    if (requestsById) rekeyRequests(s, file);
    for (String ddl : SCHEMA.split(";")) if (!ddl.isBlank()) s.execute(ddl);
    for (String[] column : ADDED_COLUMNS) {
      if (!exists(s, "SELECT 1 FROM pragma_table_info('" + column[0] + "') WHERE name = '" + column[1] + "'")) {
        s.execute("ALTER TABLE " + column[0] + " ADD COLUMN " + column[1] + " " + column[2]);
      }
    }
  }

  /**
   * Files before issue 11 kept requests by id, with a second index by version: two b-trees,
   * two pages written per change. Their rows move to the table keyed by version.
   */
  private static void rekeyRequests(Statement s, String file) throws SQLException {
    s.execute(REQUESTS.replace("requests (", "requests_rekeyed (").replace("IF NOT EXISTS ", ""));
    int moved = s.executeUpdate("INSERT OR IGNORE INTO requests_rekeyed (list, version, id, entry_id) "
        + "SELECT list, version, id, entry_id FROM requests");
    s.execute("DROP TABLE requests"); // and its index
    s.execute("ALTER TABLE requests_rekeyed RENAME TO requests");
    log.info("Store file {}: {} remembered request ids moved to a table keyed by version (one b-tree instead of two).",
        file, moved);
  }

  /**
   * Rewrites a file made with another page size (SQLite's default, before issue 11) in
   * {@link #PAGE_SIZE} pages, once; on {@code c} outside any transaction, before any other
   * connection opens the file. WAL mode fixes the page size, so the file leaves it for the
   * rewrite (a VACUUM, atomic under SQLite's rollback journal) and returns to it. A file
   * that cannot be rewritten (a full disk, say) keeps its pages and works as before.
   */
  static void resizePages(Connection c, String file) throws SQLException {
    try (Statement s = c.createStatement()) {
      long pageSize = number(s, "PRAGMA page_size");
      if (pageSize == PAGE_SIZE) return;
      long before = number(s, "PRAGMA page_count") * pageSize;
      long started = System.nanoTime();
      try {
        // SQLite answers with the mode it is in: WAL still, while another connection holds the file
        if (!text(s, "PRAGMA journal_mode=DELETE").equalsIgnoreCase("delete")) throw new SQLException("the file is open elsewhere");
        s.execute("PRAGMA page_size=" + PAGE_SIZE);
        s.execute("VACUUM");
        long now = number(s, "PRAGMA page_size");
        log.info("Store file {} rewritten from {}-byte to {}-byte pages, so that a change writes fewer bytes: {} -> {} bytes in {} ms.",
            file, pageSize, now, before, number(s, "PRAGMA page_count") * now, (System.nanoTime() - started) / 1_000_000);
      } catch (SQLException e) {
        log.warn("Store file {} keeps its {}-byte pages (each change writes more bytes): cannot rewrite it: {}",
            file, pageSize, e.getMessage());
      } finally {
        s.execute("PRAGMA journal_mode=WAL");
      }
    }
  }

  private static boolean exists(Statement s, String query) throws SQLException {
    try (ResultSet r = s.executeQuery(query)) {
      return r.next();
    }
  }

  private static String text(Statement s, String query) throws SQLException {
    try (ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getString(1);
    }
  }

  private static long number(Statement s, String query) throws SQLException {
    try (ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }
}
