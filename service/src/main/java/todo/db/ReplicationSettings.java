package todo.db;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import todo.node.BadSettings;

/**
 * {@code todo.replication}, read once when the node starts: what storing a change and
 * starting a list's server both wait for and count.
 *
 * @param consistency how many replicas must store a change before it is acknowledged
 * @param attemptTimeout how long one request to a replica waits for its answer
 * @param deadline how long a change is sent again before it counts as not stored there
 * @param backoff the wait between attempts to a replica that refuses
 * @param maxInFlightPerReplica changes on their way to one replica at most
 * @param batchesInFlight messages of changes on their way to one replica at once; the changes
 *     ready meanwhile wait and go together in the next ({@link ChangeBatches})
 */
public record ReplicationSettings(Consistency consistency, Duration attemptTimeout, Duration deadline, Backoff backoff,
                                  int maxInFlightPerReplica, int batchesInFlight) {

  /** How many replicas must store a change before it is acknowledged. */
  public enum Consistency {
    ALL, MAJORITY, LOCAL;

    int needed(int replicas) {
      return switch (this) {
        case ALL -> replicas;
        case MAJORITY -> replicas / 2 + 1;
        case LOCAL -> 1;
      };
    }
  }

  public static ReplicationSettings from(Config config) {
    String consistency = config.getString("write-consistency");
    Consistency parsed;
    try {
      parsed = Consistency.valueOf(consistency.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadSettings("todo.replication.write-consistency must be all, majority or local, not '" + consistency + "'");
    }
    var backoff = new Backoff(config.getDuration("backoff.min"), config.getDuration("backoff.max"));
    if (backoff.min().isNegative() || backoff.min().isZero() || backoff.max().compareTo(backoff.min()) < 0) {
      throw new BadSettings("todo.replication.backoff.min must be above 0 and backoff.max at least min, not "
          + backoff.min().toMillis() + "ms and " + backoff.max().toMillis() + "ms");
    }
    int batchesInFlight = config.getInt("batches-in-flight");
    if (batchesInFlight < 1) {
      throw new BadSettings("todo.replication.batches-in-flight must be at least 1, not " + batchesInFlight);
    }
    return new ReplicationSettings(parsed, config.getDuration("attempt-timeout"), config.getDuration("deadline"), backoff,
        config.getInt("max-in-flight-per-replica"), batchesInFlight);
  }

  /** How many of {@code replicas} must store a change, or promise a server, for it to count. */
  int needed(int replicas) {
    return consistency.needed(replicas);
  }
}
