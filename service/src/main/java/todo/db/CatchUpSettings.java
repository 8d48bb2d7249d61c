package todo.db;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node takes what it missed ({@code todo.catch-up}): from each peer every
 * {@code interval}, {@code parallelism} lists at a time, comparing positions {@code page}
 * lists at a time, each ask given {@code timeout}. Off ({@code enabled = false}): only the
 * pass that follows a change of the replica set.
 */
public record CatchUpSettings(boolean enabled, Duration interval, Duration timeout, int parallelism, int page) {

  public static CatchUpSettings from(Config config) {
    return new CatchUpSettings(config.getBoolean("enabled"), config.getDuration("interval"), config.getDuration("timeout"),
        config.getInt("parallelism"), config.getInt("page"));
  }
}
