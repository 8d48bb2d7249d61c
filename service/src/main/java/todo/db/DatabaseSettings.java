package todo.db;

import com.typesafe.config.Config;
import todo.store.StoreSettings;

/**
 * The settings of this node's store and of the cluster layer over it, read once when the
 * node is wired: {@code todo.db}, {@code todo.replication} and {@code todo.catch-up}.
 */
public record DatabaseSettings(StoreSettings store, ReplicationSettings replication, CatchUpSettings catchUp) {

  /** Reads them from the node's configuration (its {@code todo} keys); a bad value is a {@code BadSettings}. */
  public static DatabaseSettings from(Config config) {
    return new DatabaseSettings(StoreSettings.from(config.getConfig("todo.db")),
        ReplicationSettings.from(config.getConfig("todo.replication")), CatchUpSettings.from(config.getConfig("todo.catch-up")));
  }
}
