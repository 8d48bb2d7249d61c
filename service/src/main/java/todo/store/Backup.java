package todo.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A backup of a node's file, taken while the node serves: a file of its own beside the
 * store's, {@code backup-*.db} in the node's data folder, holding every change committed when
 * it began. Whoever took it deletes it once it has been sent; a node that died meanwhile
 * leaves it behind, and the store removes it at its next start.
 *
 * @param file where the copy is
 * @param bytes its size
 */
public record Backup(Path file, long bytes) {

  private static final Logger log = LoggerFactory.getLogger(Backup.class);
  private static final String PREFIX = "backup-";
  private static final String SUFFIX = ".db";

  /**
   * Copies {@code store} (a node's SQLite file in WAL mode) into a new file beside it, with
   * {@code VACUUM INTO} on a connection of its own, so two backups at once never meet.
   *
   * <p>Why {@code VACUUM INTO} and not SQLite's online backup API ({@code backup to} in
   * sqlite-jdbc): the backup API copies a number of pages per step (sqlite-jdbc: 100) and
   * starts over from the first page whenever another connection writes the source between two
   * steps, so under a steady stream of writes a backup of a large file may never finish; in
   * one step it would hold one read transaction throughout, as {@code VACUUM INTO} does, but
   * sqlite-jdbc offers that only through its internal API. {@code VACUUM INTO} reads the file
   * in one read transaction: the copy is one consistent snapshot, every change committed
   * before it began and none after, and under WAL a reader never blocks the writer (the WAL
   * only grows meanwhile, since a checkpoint cannot pass a running reader). The copy is a
   * single file (rollback journal, no {@code -wal} beside it) and compact (its pages
   * rewritten, free ones left out); a node opening it takes it back to WAL.
   */
  static Backup take(Path store) throws SQLException {
    Path into;
    try {
      into = Files.createTempFile(store.getParent(), PREFIX, SUFFIX); // empty, which VACUUM INTO accepts
    } catch (IOException e) {
      throw new SQLException("cannot create a file for the backup in " + store.getParent() + ": " + e.getMessage(), e);
    }
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    readOnly.setBusyTimeout(10_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store, readOnly.toProperties());
         PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, into.toString());
      vacuum.execute();
      return new Backup(into, Files.size(into));
    } catch (SQLException | IOException e) {
      deleteQuietly(into);
      throw e instanceof SQLException s ? s : new SQLException(e.getMessage(), e);
    }
  }

  private static final DateTimeFormatter TAKEN = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  /** The name a backup of {@code node} begun at {@code taken} is kept under: {@code node1@vm-20181219T093000.db} (UTC). */
  public static String fileName(String node, Instant taken) {
    return node + "-" + TAKEN.format(taken) + SUFFIX;
  }

  /** Removes the copy (blocking: on the database's threads). */
  public void delete() {
    deleteQuietly(file);
  }

  /** Removes what backups left in {@code folder} when their node died before it could. */
  static void removeLeftovers(Path folder) {
    if (!Files.isDirectory(folder)) return;
    try (DirectoryStream<Path> left = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
      for (Path file : left) {
        log.info("Removing {}: a backup's copy left when its node stopped before sending it.", file);
        deleteQuietly(file);
      }
    } catch (IOException e) {
      log.warn("Cannot look for backups' leftovers in {}: {}", folder, e.getMessage());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Cannot remove the backup copy {}: {}", file, e.getMessage());
    }
  }
}
