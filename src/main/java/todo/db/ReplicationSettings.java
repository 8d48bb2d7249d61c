package todo.db;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import todo.node.BadSettings;

/**
 * How a change is stored across the cluster ({@code todo.replication}): how many replicas
 * must commit it, how long one attempt and the whole try take, the backoff between attempts
 * to a replica that refuses, and the changes in flight to one replica at most.
 */
public record ReplicationSettings(Replication.Consistency consistency, Duration attemptTimeout, Duration deadline, Backoff backoff,
                           int maxInFlightPerReplica) {

  public static ReplicationSettings from(Config config) {
    String consistency = config.getString("write-consistency");
    Replication.Consistency level;
    try {
      level = Replication.Consistency.valueOf(consistency.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadSettings("todo.replication.write-consistency must be all, majority or local, not '" + consistency + "'");
    }
    Backoff backoff = new Backoff(config.getDuration("backoff.min"), config.getDuration("backoff.max"));
    if (backoff.min().isNegative() || backoff.min().isZero() || backoff.max().compareTo(backoff.min()) < 0) {
      throw new BadSettings("todo.replication.backoff.min must be above 0 and backoff.max at least min, not "
          + backoff.min().toMillis() + "ms and " + backoff.max().toMillis() + "ms");
    }
    return new ReplicationSettings(level, config.getDuration("attempt-timeout"), config.getDuration("deadline"), backoff,
        config.getInt("max-in-flight-per-replica"));
  }
}
