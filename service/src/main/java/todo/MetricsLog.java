package todo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.BadSettings;

/**
 * The book's {@code Todo.Metrics}: every {@code todo.metrics.log-interval} (10 s), one line
 * with the node's memory, the list servers running on it and the requests it served, for an
 * operator who reads logs rather than scrapes {@code /metrics}.
 *
 * <pre>Metrics: heap 61 of 128 MiB used, RSS 254 MiB; 12 list servers; 4810 requests in the last 10 s, 51230 in all.</pre>
 */
final class MetricsLog {

  /** @param logInterval {@code todo.metrics.log-interval} ({@code TODO_METRICS_LOG_INTERVAL}): zero for no line */
  record Settings(Duration logInterval) {

    static Settings from(Config todo) {
      try {
        Duration interval = todo.getDuration("metrics.log-interval");
        if (!interval.isNegative()) return new Settings(interval);
      } catch (ConfigException.BadValue | ConfigException.WrongType e) {
        // said below
      }
      throw new BadSettings("TODO_METRICS_LOG_INTERVAL (todo.metrics.log-interval) must be a duration such as 10s, "
          + "or 0 for no metrics line, not '" + todo.getValue("metrics.log-interval").unwrapped() + "'");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(MetricsLog.class);
  private static final long MIB = 1024 * 1024;
  private static final Path STATUS = Path.of("/proc/self/status");

  private final MeterRegistry registry;
  private final IntSupplier servers;
  private long requestsBefore;

  /** {@code servers}: how many list servers run on this node now. */
  MetricsLog(MeterRegistry registry, IntSupplier servers) {
    this.registry = registry;
    this.servers = servers;
  }

  /** Logs a line every {@code interval} while {@code system} runs; nothing when it is zero. */
  void start(ActorSystem<?> system, Duration interval) {
    if (interval.isZero()) return;
    system.scheduler().scheduleWithFixedDelay(interval, interval, () -> log.info(line(interval)), system.executionContext());
  }

  synchronized String line(Duration interval) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long requests = 0;
    for (Timer t : registry.find("http.server.requests").timers()) requests += t.count();
    long recent = requests - requestsBefore;
    requestsBefore = requests;
    long rss = rssBytes();
    return "Metrics: heap " + heap.getUsed() / MIB + " of " + heap.getCommitted() / MIB + " MiB used"
        + (rss < 0 ? "" : ", RSS " + rss / MIB + " MiB") + "; " + servers.getAsInt() + " list servers; "
        + recent + " requests in the last " + words(interval) + ", " + requests + " in all.";
  }

  /** The resident set of this process (VmRSS in /proc/self/status), -1 where there is none (not Linux). */
  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no RSS in the line
    }
    return -1;
  }

  private static String words(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
