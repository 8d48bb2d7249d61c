package todo.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The cluster layer's meters, each with the description Prometheus shows as its HELP
 * (docs/OPERATIONS.md lists them). Registering a meter that exists returns it, so callers
 * may ask for one per event; the ones counted per change are kept by their callers.
 */
final class ReplicationMeters {

  /** The counters kept for each replica, tagged with its {@code node}. */
  enum ByNode {
    FAILURES("todo.store.failures", "Changes the replica on this node failed to store (down, refused, or no answer by the deadline)"),
    RESENDS("todo.replication.resends", "Changes sent again to this replica after it refused one or did not answer in time"),
    MESSAGES("todo.replication.messages", "Messages of changes (batches) sent to this replica"),
    CHANGES("todo.replication.changes", "Changes the messages to this replica carried, resends included"),
    PROMISE_MESSAGES("todo.promise.messages", "Messages asking this replica to promise list epochs (list servers starting)"),
    PROMISE_LISTS("todo.promise.lists", "Lists whose epochs the promise messages to this replica carried");

    private final String name;
    private final String description;

    ByNode(String name, String description) {
      this.name = name;
      this.description = description;
    }

    Counter of(MeterRegistry metrics, String node) {
      return Counter.builder(name).tag("node", node).description(description).register(metrics);
    }
  }

  private ReplicationMeters() {}

  static Counter acknowledged(MeterRegistry metrics) {
    return Counter.builder("todo.changes.acknowledged")
        .description("Changes this node's list servers had stored on enough replicas and acknowledged").register(metrics);
  }

  /**
   * From a change's first send to a replica until that replica stored it (resends and
   * repairs included), for changes it stored; per replica, with fixed buckets: a slow node
   * shows as its own p99.
   */
  static Timer ackTimer(MeterRegistry metrics, String node) {
    return Timer.builder("todo.replication.ack").tag("node", node)
        .description("Time from sending a change to this replica until it acknowledged storing it")
        .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(200), ms(500),
            ms(1000), ms(2000), ms(4000))
        .register(metrics);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
