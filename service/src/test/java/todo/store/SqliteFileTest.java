package todo.store;

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

class SqliteFileTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir Path dir;
  private SqliteFile store;
  private SqliteFile other;

  @BeforeEach
  void open() throws Exception {
    store = new SqliteFile(dir.resolve("node1/todo.db"), 2, "NORMAL");
    other = new SqliteFile(dir.resolve("node2/todo.db"), 2, "NORMAL");
  }

  @AfterEach
  void close() {
    store.close();
    other.close();
  }

  /** A change of the first epoch. */
  private static Stamped put(long version, long id, String title) {
    return Stamped.first(new Change.Put("bob", version, new Entry(id, DAY, title, false, id)));
  }

  /** A change made in {@code epoch} on a copy whose latest change was made in {@code previous}. */
  private static Stamped put(long epoch, long previous, long version, long id, String title) {
    return new Stamped(new Change.Put("bob", version, new Entry(id, DAY, title, false, id)), epoch, previous, 0);
  }

  private static List<Outcome> apply(SqliteFile to, Object... updates) throws Exception {
    return to.apply(List.of(updates)).stream().map(Result::outcome).toList();
  }

  private static List<String> titles(SqliteFile s) throws Exception {
    return s.load("bob").entries().stream().map(Entry::title).toList();
  }

  @Test
  void aStoredListLoadsBackAsItWas() throws Exception {
    TodoList.Edit a = TodoList.empty("bob").add(DAY, "Dentist", null);
    TodoList.Edit b = a.list().add(DAY, "Shopping", 9L);
    apply(store, Stamped.first(a.change()), Stamped.first(b.change()));
    TodoList loaded = store.load("bob");
    assertThat(loaded.entries()).isEqualTo(b.list().entries());
    assertThat(loaded.version()).isEqualTo(2);
    assertThat(loaded.nextId()).isEqualTo(3);
  }

  @Test
  void anUnknownListIsEmptyAtVersionZero() throws Exception {
    assertThat(store.load("nobody").version()).isZero();
    assertThat(store.position("nobody")).isEqualTo(Position.NONE);
  }

  @Test
  void theSameChangeTwiceIsAppliedOnce() throws Exception {
    assertThat(apply(store, put(1, 1, "Dentist"))).containsExactly(Outcome.APPLIED);
    assertThat(apply(store, put(1, 1, "Dentist"))).containsExactly(Outcome.ALREADY_APPLIED);
    assertThat(titles(store)).containsExactly("Dentist");
  }

  @Test
  void aChangeAfterAGapIsNotApplied() throws Exception {
    apply(store, put(1, 1, "Dentist"));
    assertThat(apply(store, put(3, 2, "Shopping"))).containsExactly(Outcome.GAP);
    assertThat(store.position("bob").version()).isEqualTo(1);
  }

  @Test
  void anotherServersChangeOfAVersionHeldIsFoundOut() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"), put(1, 1, 2, 1, "Dentist at 10"));
    assertThat(apply(store, put(2, 0, 1, 1, "Gym"))).containsExactly(Outcome.DIVERGED);
    assertThat(apply(store, put(2, 0, 3, 2, "Gym"))).as("made on a copy whose version 2 is another's")
        .containsExactly(Outcome.DIVERGED);
    assertThat(titles(store)).containsExactly("Dentist at 10");
  }

  @Test
  void aPromisedStoreRefusesOlderServersAndOtherServersOfTheSameEpoch() throws Exception {
    assertThat(apply(store, new Promise("bob", 2, "n1"))).containsExactly(Outcome.APPLIED);
    assertThat(apply(store, new Promise("bob", 2, "n1"))).as("the same server asking again")
        .containsExactly(Outcome.APPLIED);
    assertThat(apply(store, new Promise("bob", 2, "n2"), new Promise("bob", 1, "n3")))
        .containsExactly(Outcome.STALE, Outcome.STALE);
    assertThat(apply(store, put(1, 0, 1, 1, "Dentist"))).containsExactly(Outcome.STALE);
    assertThat(apply(store, put(2, 0, 1, 1, "Dentist"))).containsExactly(Outcome.APPLIED);
    assertThat(store.promised("bob")).isEqualTo(2);
  }

  @Test
  void aDeltaBringsACopyOnItsHistoryUpToDate() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"), put(1, 1, 2, 2, "Shopping"), removal(1, 1, 3, 1), put(2, 1, 4, 3, "Gym"));
    apply(other, put(1, 0, 1, 1, "Dentist"));
    Delta delta = store.delta("bob", other.position("bob"));
    assertThat(delta.isSnapshot()).isFalse();
    assertThat(delta.rows()).extracting(Delta.Row::version).containsOnly(2L, 3L, 4L);
    assertThat(other.apply(List.of(new Pulled(delta, -1)))).extracting(Result::outcome)
        .containsExactly(Outcome.APPLIED);
    assertThat(titles(other)).containsExactly("Shopping", "Gym");
    assertThat(other.position("bob")).isEqualTo(new Position(2, 4));
    assertThat(apply(other, put(2, 2, 5, 4, "Next"))).as("the next change of epoch 2 follows").containsExactly(Outcome.APPLIED);
  }

  @Test
  void aDivergentCopyIsReplacedByASnapshotAndItsChangeIsGone() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"), put(3, 1, 2, 2, "Shopping"));
    apply(other, put(1, 0, 1, 1, "Dentist"), put(2, 1, 2, 2, "Never acknowledged"), put(2, 2, 3, 3, "Neither"));
    Delta snapshot = store.delta("bob", other.position("bob"));
    assertThat(snapshot.isSnapshot()).isTrue();
    assertThat(apply(other, new Pulled(snapshot, 3))).containsExactly(Outcome.APPLIED);
    assertThat(titles(other)).containsExactly("Dentist", "Shopping");
    assertThat(other.load("bob").nextId()).isEqualTo(store.load("bob").nextId());
    assertThat(other.position("bob")).isEqualTo(new Position(3, 2));
    assertThat(apply(other, put(3, 3, 3, 3, "Gym"))).containsExactly(Outcome.APPLIED);
  }

  @Test
  void anOlderSnapshotLeavesANewerCopyAlone() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"), put(1, 1, 2, 2, "Shopping"));
    apply(other, put(4, 0, 1, 1, "Gym"));
    Delta snapshot = store.delta("bob", other.position("bob"));
    assertThat(apply(other, new Pulled(snapshot, -1))).containsExactly(Outcome.NEWER_HERE);
    assertThat(titles(other)).containsExactly("Gym");
  }

  @Test
  void aStaleServersDeltaIsRefused() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"));
    apply(other, new Promise("bob", 5, "n2"));
    assertThat(apply(other, new Pulled(store.delta("bob", Position.NONE), 1))).containsExactly(Outcome.STALE);
    assertThat(titles(other)).isEmpty();
  }

  @Test
  void aDeletedEntryStaysAsATombstoneAndNeverComesBack() throws Exception {
    apply(store, put(1, 1, "Dentist"), Stamped.first(new Change.Remove("bob", 2, 1)));
    apply(store, put(1, 1, "Dentist")); // a late copy of the add
    assertThat(store.load("bob").entries()).isEmpty();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
         ResultSet r = c.createStatement().executeQuery("SELECT deleted, version FROM entries WHERE list = 'bob' AND id = 1")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(1);
      assertThat(r.getLong(2)).isEqualTo(2);
    }
  }

  @Test
  void tombstonesEveryReplicaHoldsAreDroppedAndOlderCopiesGetASnapshotWithoutTheEntry() throws Exception {
    apply(store, put(1, 0, 1, 1, "Dentist"));
    apply(other, put(1, 0, 1, 1, "Dentist")); // a copy that stops here, as if its node were away
    apply(store, removal(1, 1, 2, 1));
    for (long v = 3; v < 3 + ListCopy.COMPACTION_STEP; v++) apply(store, put(1, 1, v, v, "Entry " + v));
    long last = 2 + ListCopy.COMPACTION_STEP;
    var compacting = new Stamped(new Change.Put("bob", last + 1, new Entry(last + 1, DAY, "Last", false, 0)), 1, 1, last);
    assertThat(apply(store, compacting)).containsExactly(Outcome.APPLIED);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
         ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM entries WHERE deleted = 1")) {
      r.next();
      assertThat(r.getInt(1)).isZero();
    }
    Delta toOld = store.delta("bob", other.position("bob"));
    assertThat(toOld.isSnapshot()).as("the copy at 1 would miss the delete at 2").isTrue();
    assertThat(apply(other, new Pulled(toOld, -1))).containsExactly(Outcome.APPLIED);
    assertThat(titles(other)).doesNotContain("Dentist").hasSize((int) ListCopy.COMPACTION_STEP + 1);
  }

  private static Stamped removal(long epoch, long previous, long version, long id) {
    return new Stamped(new Change.Remove("bob", version, id), epoch, previous, 0);
  }

  @Test
  void clearDeletesEveryEntryButKeepsTheNextId() throws Exception {
    apply(store, put(1, 1, "Dentist"), put(2, 2, "Shopping"), Stamped.first(new Change.Clear("bob", 3)));
    TodoList loaded = store.load("bob");
    assertThat(loaded.entries()).isEmpty();
    assertThat(loaded.nextId()).isEqualTo(3);
  }

  @Test
  void listsAreKeptApart() throws Exception {
    apply(store, put(1, 1, "Dentist"), Stamped.first(new Change.Put("alice", 1, new Entry(1, DAY, "Gym", false, 1))));
    assertThat(store.load("alice").entries()).extracting(Entry::title).containsExactly("Gym");
    assertThat(titles(store)).containsExactly("Dentist");
  }

  @Test
  void theFileIsInWalModeAndReadableByAnyone() throws Exception {
    apply(store, put(1, 1, "Dentist"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("node1/todo.db"));
         ResultSet r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      r.next();
      assertThat(r.getString(1)).isEqualToIgnoringCase("wal");
    }
  }
}
