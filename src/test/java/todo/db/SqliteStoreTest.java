package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.list.Change;
import todo.list.Entry;
import todo.list.TodoList;

class SqliteStoreTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir Path dir;
  private SqliteStore store;

  @BeforeEach
  void open() throws Exception {
    store = new SqliteStore(dir.resolve("node1/todo.db"), 2, "NORMAL");
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Change put(long version, long id, String title) {
    return new Change.Put("bob", version, new Entry(id, DAY, title, false, id));
  }

  @Test
  void aStoredListLoadsBackAsItWas() throws Exception {
    TodoList.Edit a = TodoList.empty("bob").add(DAY, "Dentist", null);
    TodoList.Edit b = a.list().add(DAY, "Shopping", 9L);
    store.apply(List.of(a.change(), b.change()));
    TodoList loaded = store.load("bob");
    assertThat(loaded.entries()).isEqualTo(b.list().entries());
    assertThat(loaded.version()).isEqualTo(2);
    assertThat(loaded.nextId()).isEqualTo(3);
  }

  @Test
  void anUnknownListIsEmptyAtVersionZero() throws Exception {
    assertThat(store.load("nobody").version()).isZero();
    assertThat(store.version("nobody")).isZero();
  }

  @Test
  void theSameChangeTwiceIsAppliedOnce() throws Exception {
    assertThat(store.apply(List.of(put(1, 1, "Dentist"))))
        .containsExactly(SqliteStore.Outcome.APPLIED);
    assertThat(store.apply(List.of(put(1, 1, "Something else"))))
        .containsExactly(SqliteStore.Outcome.ALREADY_APPLIED);
    assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist");
  }

  @Test
  void aChangeAfterAGapIsNotApplied() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist")));
    assertThat(store.apply(List.of(put(3, 2, "Shopping")))).containsExactly(SqliteStore.Outcome.GAP);
    assertThat(store.version("bob")).isEqualTo(1);
  }

  @Test
  void anOlderVersionNeverOverwritesANewerOne() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist"), put(2, 1, "Dentist at 10")));
    assertThat(store.apply(List.of(put(1, 1, "Dentist")))).containsExactly(SqliteStore.Outcome.AHEAD);
    assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist at 10");
  }

  @Test
  void aDeletedEntryStaysAsATombstoneAndNeverComesBack() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist"), new Change.Remove("bob", 2, 1)));
    store.apply(List.of(put(1, 1, "Dentist"))); // a late copy of the add
    assertThat(store.load("bob").entries()).isEmpty();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
         ResultSet r = c.createStatement().executeQuery("SELECT deleted, version FROM entries WHERE list = 'bob' AND id = 1")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(1);
      assertThat(r.getLong(2)).isEqualTo(2);
    }
  }

  @Test
  void clearDeletesEveryEntryButKeepsTheNextId() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist"), put(2, 2, "Shopping"), new Change.Clear("bob", 3)));
    TodoList loaded = store.load("bob");
    assertThat(loaded.entries()).isEmpty();
    assertThat(loaded.nextId()).isEqualTo(3);
  }

  @Test
  void listsAreKeptApart() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist"), new Change.Put("alice", 1, new Entry(1, DAY, "Gym", false, 1))));
    assertThat(store.load("alice").entries()).extracting(Entry::title).containsExactly("Gym");
    assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist");
  }

  @Test
  void theFileIsInWalModeAndReadableByAnyone() throws Exception {
    store.apply(List.of(put(1, 1, "Dentist")));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("node1/todo.db"));
         ResultSet r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      r.next();
      assertThat(r.getString(1)).isEqualToIgnoringCase("wal");
    }
  }
}
