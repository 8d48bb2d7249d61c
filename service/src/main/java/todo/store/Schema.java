package todo.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of a node's file, made when missing, and the columns added since the first
 * release, added to files made before them. Rows, not blobs: {@code lists} holds each
 * list's version and next id, {@code entries} one row per entry, stamped with the version
 * that last changed it. A deleted entry stays as a tombstone ({@code deleted = 1}) so that a
 * change arriving late can never bring it back.
 */
final class Schema {

  private Schema() {}

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

  /** Creates what is missing, on {@code c}, in its transaction. */
  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : SCHEMA.split(";")) if (!ddl.isBlank()) s.execute(ddl);
      for (String[] column : ADDED_COLUMNS) {
        boolean present;
        try (ResultSet r = s.executeQuery("SELECT 1 FROM pragma_table_info('" + column[0] + "') WHERE name = '" + column[1] + "'")) {
          present = r.next();
        }
        if (!present) s.execute("ALTER TABLE " + column[0] + " ADD COLUMN " + column[1] + " " + column[2]);
      }
    }
  }
}
