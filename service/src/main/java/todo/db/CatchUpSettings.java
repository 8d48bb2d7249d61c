package todo.db;

import com.typesafe.config.Config;
import java.time.Duration;
import todo.node.BadSettings;

/**
 * How a node takes what it missed ({@code todo.catch-up}), read once when the node starts.
 *
 * @param enabled off: only the pass that follows a change of the replica set
 * @param interval how often a pass runs without a cause (anti-entropy)
 * @param timeout how long one ask to a peer waits for its answer
 * @param page lists compared per ask of positions
 * @param pipeline asks for deltas on their way to one peer at once
 * @param writeChanges changes a catch-up write holds at most (one transaction, one synced
 *     commit); at most one such write waits in the store's queue, so a live change waits
 *     behind one at most
 * @param maxRate changes taken per second at most, 0 for no limit
 */
public record CatchUpSettings(boolean enabled, Duration interval, Duration timeout, int page, int pipeline,
                              int writeChanges, int maxRate) {

  public static CatchUpSettings from(Config config) {
    var settings = new CatchUpSettings(config.getBoolean("enabled"), config.getDuration("interval"),
        config.getDuration("timeout"), config.getInt("page"), config.getInt("pipeline"), config.getInt("write-changes"),
        config.getInt("max-rate"));
    if (settings.page < 1 || settings.pipeline < 1 || settings.writeChanges < 1 || settings.maxRate < 0) {
      throw new BadSettings("todo.catch-up: page, pipeline and write-changes must be at least 1 and max-rate at least 0, not "
          + settings.page + ", " + settings.pipeline + ", " + settings.writeChanges + " and " + settings.maxRate);
    }
    return settings;
  }
}
