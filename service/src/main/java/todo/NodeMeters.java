package todo;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.Member;
import todo.node.MemberStates;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's meters that are not counted where things happen: the JVM's and the process's
 * (Micrometer's own binders), the build, and gauges read from whatever member runs now, so
 * they stay right when the node starts its member again to join a cluster ({@link RuntimeJoin}).
 * The counters and timers of requests, stores and replication are made where they count.
 */
final class NodeMeters implements AutoCloseable {

  /** A member's state as {@code todo_cluster_members} tags it (unreachable beats the others). */
  private static final List<String> STATES = List.of("joining", "up", "leaving", "exiting", "down", "removed", "unreachable");

  private final JvmGcMetrics gc = new JvmGcMetrics();

  private NodeMeters(MeterRegistry registry, TodoSystem node, BuildInfo build) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("todo.build.info", () -> 1).tag("version", build.version()).tag("commit", build.commit())
        .tag("protocol", String.valueOf(node.settings().cluster().protocol()))
        .description("The version and git commit this node was built from, and the protocol version it speaks (always 1)")
        .register(registry);
    Gauge.builder("todo.list.servers", node, n -> n.cache().serversRunning())
        .description("List servers running on this node now (starting ones included)").register(registry);
    Gauge.builder("todo.store.queued.writes", node, n -> n.database().queuedWrites())
        .description("Writes waiting for this node's store to commit them (the write queue's depth)").register(registry);
    for (String state : STATES) {
      Gauge.builder("todo.cluster.members", node, n -> members(n, state)).tag("status", state)
          .description("Members of the cluster as this node sees them, by state").register(registry);
    }
  }

  /** Binds the node's meters to {@code registry}; {@link #close} when the node stops. */
  static NodeMeters bind(MeterRegistry registry, TodoSystem node, BuildInfo build) {
    return new NodeMeters(registry, node, build);
  }

  private static int members(TodoSystem node, String state) {
    Cluster cluster = Cluster.get(node.actorSystem());
    Set<Member> unreachable = cluster.state().getUnreachable();
    int count = 0;
    for (Member m : cluster.state().getMembers()) {
      if (MemberStates.status(m, unreachable).equals(state)) count++;
    }
    return count;
  }

  /** Stops listening to the JVM's garbage collections. */
  @Override
  public void close() {
    gc.close();
  }
}
