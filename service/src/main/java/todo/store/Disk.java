package todo.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's disk as its writer finds it: taking writes, or full ({@code SQLITE_FULL}) or
 * failing ({@code SQLITE_IOERR}), faults an operator fixes on the machine, not in the
 * request. A fault is put in words that name the node, the file and the way out, for the
 * 503 of every write it refuses, and logged once when it begins and once when it ends;
 * SQLite's own message names neither the file nor, after a failed rollback, the cause.
 */
final class Disk {

  private static final Logger log = LoggerFactory.getLogger(Disk.class);

  // SQLite's primary result codes; the driver reports extended ones (SQLITE_IOERR_WRITE, ...) in their low byte
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_FULL = 13;

  private final String node;
  private final Path file;
  private volatile String fault; // null while the disk takes writes

  Disk(String node, Path file) {
    this.node = node;
    this.file = file;
  }

  /** Why the disk refuses writes now, or null while it takes them. */
  String fault() {
    return fault;
  }

  /** A batch of {@code changes} failed with {@code failure}: the reason to give each of its writes. */
  String failed(Throwable failure, int changes) {
    Optional<String> words = describe(failure);
    if (words.isEmpty()) {
      log.error("Store failed on {}: {} ({} changes not stored)", node, failure.getMessage(), changes);
      return "store failed on " + node + ": " + failure.getMessage();
    }
    if (fault == null) {
      log.error("Store failed: {}. Meanwhile writes are refused and lists in memory still serve reads ({} changes not stored).",
          words.get(), changes);
    }
    fault = words.get();
    return fault;
  }

  /**
   * A batch of {@code updates} committed with {@code results}. A fault is over once a change
   * or a delta is written: a batch that wrote none (a copy behind, say) proves nothing, and a
   * promise is a row, which a nearly full disk still takes while it refuses entries; counting
   * those would log the fault's end and its start again at every write.
   */
  void committed(List<?> updates, List<Result> results) {
    if (fault == null) return;
    boolean wrote = false;
    for (int i = 0; i < updates.size(); i++) {
      wrote |= !(updates.get(i) instanceof Promise) && results.get(i).outcome() == Outcome.APPLIED;
    }
    if (!wrote) return;
    fault = null;
    log.info("The disk of {} takes writes again: {} stores changes.", node, file);
  }

  /** The words for {@code failure} when it is a fault of the disk. */
  Optional<String> describe(Throwable failure) {
    if (!(failure instanceof SQLException e)) return Optional.empty();
    String code = e instanceof org.sqlite.SQLiteException s ? s.getResultCode().name() : "SQLite code " + e.getErrorCode();
    return switch (e.getErrorCode() & 0xff) {
      case SQLITE_FULL -> Optional.of("the disk of " + node + " is full: cannot write " + file + " (" + code
          + "). Free space on it; writes resume by themselves");
      case SQLITE_IOERR -> Optional.of("the disk of " + node + " failed: I/O error on " + file + " (" + code
          + "). Check the disk; writes resume by themselves once it works");
      default -> Optional.empty();
    };
  }
}
