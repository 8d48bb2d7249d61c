package todo.store;

import com.typesafe.config.Config;
import java.util.Locale;
import todo.node.BadSettings;

/**
 * The store's settings ({@code todo.db}), read once when the node is wired.
 * {@code synchronous}: SQLite's PRAGMA, FULL (every commit synced: what an acknowledgement
 * promises by default) or NORMAL (synced at checkpoints only); {@code readConnections}
 * beside the one writer; {@code queueSize}: writes waiting for the writer before new ones
 * are refused; {@code maxBatch}: writes committed together at most.
 */
public record StoreSettings(String synchronous, int readConnections, int queueSize, int maxBatch) {

  /**
   * Reads {@code todo.db}. The synchronous level is checked here because SQLite takes any
   * other word silently as NORMAL, so a typo would quietly give up durability.
   */
  public static StoreSettings from(Config todoDb) {
    String setting = todoDb.getString("synchronous");
    String level = setting.trim().toUpperCase(Locale.ROOT);
    if (!level.equals("FULL") && !level.equals("NORMAL")) {
      throw new BadSettings("todo.db.synchronous must be FULL or NORMAL, not '" + setting + "'");
    }
    return new StoreSettings(level, todoDb.getInt("read-connections"), todoDb.getInt("queue-size"), todoDb.getInt("max-batch"));
  }
}
