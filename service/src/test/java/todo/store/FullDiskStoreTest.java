package todo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.SmallDisk;
import todo.list.Change;
import todo.list.Entry;

/** A store whose filesystem fills up (a tmpfs of 1 MB: needs root, skipped with the reason otherwise). */
class FullDiskStoreTest {

  private static final List<String> LISTS = List.of("ann", "bob", "cat");
  private static final String PADDING = "x".repeat(2000);

  @TempDir Path dir;

  /** One change to each list, all at {@code version}: a batch that fails half-way would leave them apart. */
  private static List<Stamped> batch(long version) {
    return LISTS.stream().map(list -> Stamped.first(new Change.Put(list, version,
        new Entry(version, LocalDate.parse("2018-12-19"), version + PADDING, false, version)))).toList();
  }

  private static void assertEveryListAt(SqliteFile store, long version) throws SQLException {
    for (String list : LISTS) assertThat(store.position(list).version()).as(list).isEqualTo(version);
  }

  @Test
  void aBatchRefusedByAFullDiskLeavesNothingAndTheStoreWritesAgainOnceThereIsSpace() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("node1"), "1m")) {
      Path filler = disk.fill("filler", 256 * 1024);
      SqliteFile store = new SqliteFile(dir.resolve("node1/todo.db"), 1, "NORMAL");
      try {
        long version = 0;
        SQLException refused = null;
        while (refused == null && version < 10_000) {
          try {
            store.apply(batch(version + 1));
            version++;
          } catch (SQLException e) {
            refused = e;
          }
        }
        assertThat((Throwable) refused).as("a 1 MB disk never filled up").isNotNull();
        assertThat(refused.getErrorCode() & 0xff).as("SQLITE_FULL, not a failed rollback hiding it: %s", refused).isEqualTo(13);
        assertEveryListAt(store, version);
        long acknowledged = version;
        assertThatThrownBy(() -> store.apply(batch(acknowledged + 1))).isInstanceOf(SQLException.class)
            .hasMessageContaining("SQLITE_FULL");
        assertEveryListAt(store, version);

        Files.delete(filler);
        assertThat(store.apply(batch(version + 1))).extracting(Result::outcome).containsOnly(Outcome.APPLIED);
        assertEveryListAt(store, version + 1);
        for (String list : LISTS) assertThat(store.load(list).entries()).hasSize((int) version + 1);
      } finally {
        store.close();
      }
    }
  }
}
