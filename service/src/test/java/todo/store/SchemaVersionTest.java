package todo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.list.Change;
import todo.list.Entry;

/** A store file's schema version ({@code PRAGMA user_version}) and the migrations that move it forward. */
class SchemaVersionTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("node1/todo.db");
  }

  /** A file of this build, holding list bob with one entry. */
  private Path fileWithBob() throws Exception {
    try (SqliteFile store = new SqliteFile(file(), 1, "FULL")) {
      assertThat(store.apply(List.of(Stamped.first(new Change.Put("bob", 1, new Entry(1, DAY, "Dentist", false, 1))))))
          .extracting(Result::outcome).containsExactly(Outcome.APPLIED);
    }
    return file();
  }

  @Test
  void aNewFileIsAtTheCurrentVersion() throws Exception {
    new SqliteFile(file(), 1, "FULL").close();
    assertThat(userVersion(file())).isEqualTo(Schema.VERSION).isEqualTo(1);
  }

  @Test
  void anUnversionedFileOfTodaysShapeBecomesVersionOne() throws Exception {
    Path file = fileWithBob();
    execute(file, "PRAGMA user_version = 0"); // as a build before versions left it
    try (SqliteFile store = new SqliteFile(file, 1, "FULL")) {
      assertThat(store.load("bob").entries()).extracting(Entry::title).containsExactly("Dentist");
    }
    assertThat(userVersion(file)).isEqualTo(1);
  }

  @Test
  void aFileOfVersionOneIsMigratedByTheStepsAfterIt() throws Exception {
    Path file = fileWithBob();
    List<Migration> withTwo = new ArrayList<>(Schema.MIGRATIONS);
    withTwo.add(new Migration(2, "a colour per list", (s, f) -> s.execute("ALTER TABLE lists ADD COLUMN colour TEXT")));
    migrate(file, withTwo);
    assertThat(userVersion(file)).isEqualTo(2);
    assertThat(query(file, "SELECT name, colour IS NULL FROM lists")).isEqualTo("bob 1");

    migrate(file, withTwo); // at version 2 already: the step does not run again (it would fail: the column exists)
    assertThat(userVersion(file)).isEqualTo(2);
  }

  @Test
  void aStepThatFailsLeavesTheFileAtTheVersionBefore() throws Exception {
    Path file = fileWithBob();
    List<Migration> withTwo = new ArrayList<>(Schema.MIGRATIONS);
    withTwo.add(new Migration(2, "a colour per list", (s, f) -> {
      s.execute("ALTER TABLE lists ADD COLUMN colour TEXT");
      s.execute("SELECT no_such_column FROM lists");
    }));
    assertThatThrownBy(() -> migrate(file, withTwo)).isInstanceOf(SQLException.class)
        .hasMessageStartingWith("its schema cannot be migrated from version 1 to 2: ");
    assertThat(userVersion(file)).isEqualTo(1);
    assertThat(query(file, "SELECT count(*) FROM pragma_table_info('lists') WHERE name = 'colour'")).isEqualTo("0");
  }

  @Test
  void aFileNewerThanThisBuildIsRefusedUntouched() throws Exception {
    Path file = fileWithBob();
    execute(file, "PRAGMA user_version = 7");
    assertThatThrownBy(() -> new SqliteFile(file, 1, "FULL")).isInstanceOf(SQLException.class)
        .hasMessage("its schema is version 7, newer than this build's 1 (a newer release wrote it; "
            + "run that release, or restore the backup taken before the upgrade)");
    assertThat(userVersion(file)).isEqualTo(7);
    assertThat(query(file, "SELECT name FROM lists")).isEqualTo("bob");
  }

  private static void migrate(Path file, List<Migration> migrations) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.setAutoCommit(false);
      Schema.migrate(c, file.toString(), migrations);
    }
  }

  private static int userVersion(Path file) throws SQLException {
    return Integer.parseInt(query(file, "PRAGMA user_version"));
  }

  private static void execute(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first row of {@code sql}, its columns joined by spaces. */
  private static String query(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) columns.add(r.getString(i));
      return String.join(" ", columns);
    }
  }
}
