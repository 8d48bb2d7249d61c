package todo.beam;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import todo.CborSerializable;

/**
 * This node's copy of the cluster's global names, so that {@link Global#whereisName} is a
 * read of a local map, as on the BEAM, where every node holds the whole {@code :global}
 * table. The {@link GlobalRegistry} decides every change and sends it to every node's copy
 * (the actor at {@code /system/dist-global-names}), numbered; a register or unregister is
 * answered once every copy has it, the caller's own last, so that no node sees the old
 * value after the call returned.
 *
 * <p>A copy is in step while it has applied every change of the current registry in order
 * since a {@link Snapshot}. One that is not (a node that just joined, a change lost, a new
 * registry after the old one's node left) asks for a snapshot, and meanwhile its node asks
 * the registry itself ({@link Global#whereisName} falls back to an ask).
 */
final class GlobalNames {

  static final String NAME = "dist-global-names";

  sealed interface Command extends CborSerializable {}

  /** Every name as registry {@code registry} holds it after its change {@code seq}. */
  record Snapshot(String registry, long seq, Map<String, Pid> names, ActorRef<GlobalRegistry.Command> from) implements Command {}

  /** Change {@code seq} of registry {@code registry}: {@code name} is now held by {@code pid}, or free (null). */
  record Change(String registry, long seq, String name, Pid pid, ActorRef<GlobalRegistry.Command> from) implements Command {}

  /** Every other copy has the change sent before this: answer the process that asked for it. */
  record Confirm(ActorRef<GlobalRegistry.Registered> replyTo) implements Command {}

  /** The names this node's live processes hold, for a registry that rebuilds itself. */
  record GetHolds(ActorRef<Holds> replyTo) implements Command {}

  record Holds(List<Held> held) implements CborSerializable {}

  record Held(String name, Pid pid) implements CborSerializable {}

  private final Processes processes;
  private final Map<String, Pid> names = new ConcurrentHashMap<>();
  private volatile String inStepWith; // the registry (its incarnation) this copy is in step with; null when none
  private long seq; // guarded by this
  private volatile long askedAt = System.nanoTime() - ASK_AGAIN;
  private final Supplier<ActorRef<GlobalRegistry.Command>> registry;
  private volatile ActorRef<Command> self;

  /** A copy out of step asks for a snapshot at most this often. */
  private static final long ASK_AGAIN = 1_000_000_000L;

  /** @param registry the node's proxy to the registry (a {@link org.apache.pekko.cluster.typed.ClusterSingleton}) */
  GlobalNames(Processes processes, Supplier<ActorRef<GlobalRegistry.Command>> registry) {
    this.processes = processes;
    this.registry = registry;
  }

  /** True when {@link #whereis} answers as the registry would. */
  boolean inStep() {
    return inStepWith != null;
  }

  Pid whereis(String name) {
    return names.get(name);
  }

  /** Asks the registry for a snapshot, unless this copy asked less than a second ago (one is on its way). */
  void askForSnapshot() {
    long now = System.nanoTime();
    if (self == null || now - askedAt < ASK_AGAIN) return;
    askedAt = now;
    registry.get().tell(new GlobalRegistry.SendSnapshot(self));
  }

  /** The actor that keeps this copy, at {@link #NAME}. */
  Behavior<Command> behavior() {
    return Behaviors.setup(ctx -> {
      self = ctx.getSelf();
      String node = Cluster.get(ctx.getSystem()).selfMember().address().toString();
      return Behaviors.receive(Command.class)
          .onMessage(Snapshot.class, m -> {
            apply(m);
            m.from().tell(new GlobalRegistry.Applied(node, m.registry(), m.seq()));
            return Behaviors.same();
          })
          .onMessage(Change.class, m -> {
            apply(m);
            m.from().tell(new GlobalRegistry.Applied(node, m.registry(), m.seq()));
            return Behaviors.same();
          })
          .onMessage(Confirm.class, m -> {
            m.replyTo().tell(new GlobalRegistry.Registered(true));
            return Behaviors.same();
          })
          .onMessage(GetHolds.class, m -> {
            m.replyTo().tell(new Holds(held()));
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * Takes every name of {@code m}. Called by this copy's actor, or by the registry itself
   * when it runs on this node (synchronized: the two can meet when the registry has just moved).
   */
  synchronized void apply(Snapshot m) {
    names.keySet().retainAll(m.names().keySet());
    names.putAll(m.names());
    seq = m.seq();
    inStepWith = m.registry();
  }

  /** Applies {@code m} when it is the next change of the registry this copy follows; else asks for a snapshot. */
  synchronized void apply(Change m) {
    if (m.registry().equals(inStepWith) && m.seq() == seq + 1) {
      if (m.pid() == null) names.remove(m.name());
      else names.put(m.name(), m.pid());
      seq = m.seq();
    } else if (!m.registry().equals(inStepWith) || m.seq() > seq) { // a change missed, or another registry's
      inStepWith = null;
      askForSnapshot();
    }
  }

  private List<Held> held() {
    Map<String, Pid> live = new HashMap<>(names);
    live.values().removeIf(pid -> !processes.isLocal(pid));
    return live.entrySet().stream().map(e -> new Held(e.getKey(), e.getValue())).toList();
  }
}
