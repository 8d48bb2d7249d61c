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

  private ReplicationMeters() {}

  static Counter acknowledged(MeterRegistry metrics) {
    return Counter.builder("todo.changes.acknowledged")
        .description("Changes this node's list servers had stored on enough replicas and acknowledged").register(metrics);
  }

  static Counter failures(MeterRegistry metrics, String node) {
    return Counter.builder("todo.store.failures").tag("node", node)
        .description("Changes the replica on this node failed to store (down, refused, or no answer by the deadline)")
        .register(metrics);
  }

  static Counter resends(MeterRegistry metrics, String node) {
    return Counter.builder("todo.replication.resends").tag("node", node)
        .description("Changes sent again to this replica after it refused one or did not answer in time").register(metrics);
  }

  static Counter messages(MeterRegistry metrics, String node) {
    return Counter.builder("todo.replication.messages").tag("node", node)
        .description("Messages of changes (batches) sent to this replica").register(metrics);
  }

  static Counter changes(MeterRegistry metrics, String node) {
    return Counter.builder("todo.replication.changes").tag("node", node)
        .description("Changes the messages to this replica carried, resends included").register(metrics);
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

  static Counter promiseMessages(MeterRegistry metrics, String node) {
    return Counter.builder("todo.promise.messages").tag("node", node)
        .description("Messages asking this replica to promise list epochs (list servers starting)").register(metrics);
  }

  static Counter promiseLists(MeterRegistry metrics, String node) {
    return Counter.builder("todo.promise.lists").tag("node", node)
        .description("Lists whose epochs the promise messages to this replica carried").register(metrics);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
