package todo.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.list.Change;
import todo.list.Entry;

/**
 * A file written before issue 11 (requests kept by id with a second index by version,
 * SQLite's default 4 KiB pages), opened by this code: it is brought to the current shape
 * once and nothing in it is lost.
 */
class OldFileTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");
  private static final int BIG = 300;

  /** The tables as the release before issue 11 made them. */
  private static final String OLD_SCHEMA =
      """
      CREATE TABLE lists (name TEXT PRIMARY KEY, version INTEGER NOT NULL, next_id INTEGER NOT NULL,
        epoch INTEGER NOT NULL DEFAULT 0, promised INTEGER NOT NULL DEFAULT 0, promised_by TEXT,
        compacted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE TABLE epochs (list TEXT NOT NULL, first_version INTEGER NOT NULL, epoch INTEGER NOT NULL,
        PRIMARY KEY (list, first_version)) WITHOUT ROWID;
      CREATE TABLE entries (list TEXT NOT NULL, id INTEGER NOT NULL, date TEXT NOT NULL, title TEXT NOT NULL,
        completed INTEGER NOT NULL, ord INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL,
        PRIMARY KEY (list, id)) WITHOUT ROWID;
      CREATE TABLE requests (list TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, entry_id INTEGER NOT NULL,
        PRIMARY KEY (list, id)) WITHOUT ROWID;
      CREATE INDEX requests_by_version ON requests (list, version);
      CREATE TABLE replica_set (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, cluster TEXT NOT NULL,
        nodes TEXT NOT NULL, promised_round INTEGER NOT NULL, promised_by TEXT NOT NULL, accepted_version INTEGER NOT NULL,
        accepted_cluster TEXT NOT NULL, accepted_nodes TEXT NOT NULL, accepted_round INTEGER NOT NULL,
        accepted_by TEXT NOT NULL);
      """;

  @TempDir Path dir;

  /**
   * bob: Dentist (version 1, epoch 1), Gym (version 2) deleted at version 3 by the server of
   * epoch 2, promised to epoch 2 on node2; three request ids. big: 300 entries, one request
   * each (old ones included: forgetting is the store's, not the file's). A chosen replica set.
   */
  private Path oldFile() throws Exception {
    Path file = dir.resolve("node1/todo.db");
    Files.createDirectories(file.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      for (String ddl : OLD_SCHEMA.split(";")) if (!ddl.isBlank()) s.execute(ddl);
      s.execute("INSERT INTO lists VALUES ('bob', 3, 3, 2, 2, 'node2', 0), ('big', " + BIG + ", " + (BIG + 1) + ", 1, 1, NULL, 0)");
      s.execute("INSERT INTO epochs VALUES ('bob', 1, 1), ('bob', 3, 2), ('big', 1, 1)");
      s.execute("INSERT INTO entries VALUES ('bob', 1, '2018-12-19', 'Dentist', 0, 1, 0, 1), "
          + "('bob', 2, '2018-12-19', 'Gym', 0, 2, 1, 3)");
      s.execute("INSERT INTO requests VALUES ('bob', 'r1', 1, 1), ('bob', 'r2', 2, 2), ('bob', 'k:ann.d3', 3, 0)");
      for (int i = 1; i <= BIG; i++) {
        s.execute("INSERT INTO entries VALUES ('big', " + i + ", '2018-12-19', 'entry " + i + "', 0, " + i + ", 0, " + i + ")");
        s.execute("INSERT INTO requests VALUES ('big', 'request-" + i + "', " + i + ", " + i + ")");
      }
      s.execute("INSERT INTO replica_set VALUES (1, 2, 'cluster-1', 'node1,node2,node3', 4, 'node2', 0, '', '', 0, '')");
    }
    return file;
  }

  @Test
  void aFileOfTheReleaseBeforeOpensWithEverythingInIt() throws Exception {
    Path file = oldFile();
    try (SqliteFile store = new SqliteFile(file, 1, "FULL")) {
      assertHoldsTheOldFile(store);
    }
    assertThat(pragma(file, "page_size")).isEqualTo(String.valueOf(Schema.PAGE_SIZE));
    assertThat(pragma(file, "journal_mode")).isEqualTo("wal");
    assertThat(pragma(file, "user_version")).as("the schema's version").isEqualTo("1");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         ResultSet r = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE tbl_name = 'requests'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("requests");
      assertThat(r.next()).as("the index by version, now the key").isFalse();
    }
  }

  @Test
  void aMigratedFileTakesChangesAndOpensAgain() throws Exception {
    Path file = oldFile();
    try (SqliteFile store = new SqliteFile(file, 1, "FULL")) {
      Change next = new Change.Put("bob", 4, new Entry(3, DAY, "Shopping", false, 3), "r4");
      assertThat(store.apply(List.of(new Stamped(next, 2, 2, 0)))).extracting(Result::outcome).containsExactly(Outcome.APPLIED);
    }
    try (SqliteFile store = new SqliteFile(file, 1, "FULL")) {
      assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist", "Shopping");
      assertThat(store.recentRequests("bob")).extracting(Delta.Request::id).containsExactly("r4", "k:ann.d3", "r2", "r1");
      assertThat(store.load("big").entries()).hasSize(BIG);
    }
  }

  private static void assertHoldsTheOldFile(SqliteFile store) throws Exception {
    assertThat(store.position("bob")).isEqualTo(new Position(2, 3));
    assertThat(store.promised("bob")).isEqualTo(2);
    assertThat(store.load("bob").nextId()).isEqualTo(3);
    assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist");
    assertThat(store.recentRequests("bob")).containsExactly(
        new Delta.Request("k:ann.d3", 3, 0), new Delta.Request("r2", 2, 2), new Delta.Request("r1", 1, 1));

    Delta snapshot = store.delta("bob", Position.NONE);
    assertThat(snapshot.rows()).extracting(row -> row.entry().title() + (row.deleted() ? " (deleted at " + row.version() + ")" : ""))
        .containsExactly("Dentist", "Gym (deleted at 3)");
    assertThat(snapshot.epochs()).containsExactly(new Delta.EpochStart(1, 1), new Delta.EpochStart(2, 3));
    Delta sinceTwo = store.delta("bob", new Position(1, 2));
    assertThat(sinceTwo.isSnapshot()).isFalse();
    assertThat(sinceTwo.requests()).extracting(Delta.Request::id).containsExactly("k:ann.d3");

    assertThat(store.load("big").entries()).hasSize(BIG).last().extracting(Entry::title).isEqualTo("entry " + BIG);
    assertThat(store.recentRequests("big")).hasSize(BIG).first().isEqualTo(new Delta.Request("request-" + BIG, BIG, BIG));
    assertThat(store.listCount()).isEqualTo(2);

    Acceptor replicaSet = store.replicaSet();
    assertThat(replicaSet.chosen()).isEqualTo(new Configuration(2, "cluster-1", List.of("node1", "node2", "node3")));
    assertThat(replicaSet.promised()).isEqualTo(new Ballot(4, "node2"));
    assertThat(replicaSet.accepted()).isNull();
  }

  private static String pragma(Path file, String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         ResultSet r = c.createStatement().executeQuery("PRAGMA " + name)) {
      r.next();
      return r.getString(1);
    }
  }
}
