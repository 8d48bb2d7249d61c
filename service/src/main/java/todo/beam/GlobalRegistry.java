package todo.beam;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.node.Members;

/**
 * The cluster's global names ({@link Global}): one actor in the whole cluster, a Cluster
 * Singleton on the oldest node, decides every registration, one at a time, so of racing
 * registrations exactly one wins. Every node keeps a copy ({@link GlobalNames}) that it
 * reads {@code whereisName} from: each change goes, numbered, to every node's copy, and
 * the caller is answered once the other copies have applied it (its own copy last, by the
 * same path as the change), so after the call no node sees the old value. A copy that does
 * not answer within {@link #APPLY_WAIT} holds nobody up: it is sent a snapshot instead.
 *
 * <p>It watches every registered process: a name is freed when its process ends or its node
 * is removed from the cluster. When the singleton moves to another node (its node left or
 * crashed), the new one rebuilds the names from what each node's copy says its own live
 * processes hold ({@link GlobalRebuild}) before it answers anything, and sends every copy a
 * snapshot.
 */
final class GlobalRegistry extends AbstractBehavior<GlobalRegistry.Command> {

  private static final Logger log = LoggerFactory.getLogger(GlobalRegistry.class);

  /** How long a change waits for the other copies before its caller is answered anyway. */
  static final Duration APPLY_WAIT = Duration.ofSeconds(2);

  sealed interface Command extends CborSerializable {}

  record Register(String name, Pid pid, ActorRef<Registered> replyTo) implements Command {}

  record Registered(boolean yes) implements CborSerializable {}

  /** For a node whose copy is not in step yet. */
  record Whereis(String name, ActorRef<Where> replyTo) implements Command {}

  /** The holder, or null. */
  record Where(Pid pid) implements CborSerializable {}

  record Unregister(String name, ActorRef<Registered> replyTo) implements Command {}

  /** The copy of {@code node} applied this registry's change (or snapshot) {@code seq}. */
  record Applied(String node, String registry, long seq) implements Command {}

  /** {@code copy} is out of step: send it every name. */
  record SendSnapshot(ActorRef<GlobalNames.Command> copy) implements Command {}

  /** What one member's copy says its live processes hold, for a registry that rebuilds itself ({@link GlobalRebuild}). */
  record HeldOn(List<GlobalNames.Held> held) implements Command {}

  /** A member that did not say what its processes hold. */
  record Unanswered(String node) implements Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record Unapplied(long seq) implements Command {}

  /** A register or unregister waiting for the copies of {@code awaiting}; then its caller's copy (null: this node's) answers. */
  private record Pending(Set<String> awaiting, ActorRef<GlobalNames.Command> callerCopy, ActorRef<Registered> replyTo) {}

  private final String id = UUID.randomUUID().toString(); // this incarnation: copies follow one at a time
  private final Map<String, Pid> names;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Set<String> inStep = new HashSet<>();
  private final Cluster cluster;
  private final ActorRefResolver resolver;
  private final GlobalNames local;
  private final String localNode;
  private long seq;

  /** @param local the copy of the node this registry runs on: it updates that one itself, without messages */
  static Behavior<Command> create(GlobalNames local) {
    return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
      return GlobalRebuild.gather(ctx, stash, names -> new GlobalRegistry(ctx, names, local));
    }));
  }

  private GlobalRegistry(ActorContext<Command> ctx, Map<String, Pid> names, GlobalNames local) {
    super(ctx);
    this.names = names;
    this.cluster = Cluster.get(ctx.getSystem());
    this.resolver = ActorRefResolver.get(ctx.getSystem());
    this.local = local;
    this.localNode = cluster.selfMember().address().toString();
    names.values().forEach(pid -> ctx.watch(ref(pid)));
    if (!names.isEmpty()) log.info("Global registry ready on this node with {} name(s).", names.size());
    for (Member m : Members.up(cluster)) sendSnapshot(m.address().toString());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(Whereis.class, m -> {
          m.replyTo().tell(new Where(names.get(m.name())));
          return this;
        })
        .onMessage(Applied.class, this::onApplied)
        .onMessage(Unapplied.class, this::onUnapplied)
        .onMessage(SendSnapshot.class, m -> {
          if (m.copy().path().address().hasLocalScope()) local.apply(snapshot());
          else m.copy().tell(snapshot());
          return this;
        })
        .onMessage(MemberChanged.class, m -> {
          if (m.event() instanceof ClusterEvent.MemberUp || m.event() instanceof ClusterEvent.MemberWeaklyUp) {
            sendSnapshot(m.event().member().address().toString());
          }
          return this;
        })
        .onMessage(HeldOn.class, m -> this) // late answers of the rebuild
        .onMessage(Unanswered.class, m -> this)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onRegister(Register m) {
    Pid had = names.get(m.name());
    if (had != null) {
      m.replyTo().tell(new Registered(had.equals(m.pid())));
      return this;
    }
    names.put(m.name(), m.pid());
    getContext().watch(ref(m.pid()));
    change(m.name(), m.pid(), m.replyTo());
    return this;
  }

  private Behavior<Command> onUnregister(Unregister m) {
    Pid had = names.remove(m.name());
    if (had == null) {
      m.replyTo().tell(new Registered(false));
      return this;
    }
    if (!names.containsValue(had)) getContext().unwatch(ref(had));
    change(m.name(), null, m.replyTo());
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    String gone = resolver.toSerializationFormat(t.getRef());
    List<String> freed = names.entrySet().stream()
        .filter(e -> e.getValue().ref().equals(gone) || ref(e.getValue()).path().equals(t.getRef().path()))
        .map(Map.Entry::getKey).toList();
    for (String name : freed) {
      log.info("Global name {} is free: its process {} ended.", name, names.remove(name));
      change(name, null, null);
    }
    return this;
  }

  /**
   * Applies change {@code name -> pid} (null: freed) to this node's copy and sends it to
   * every other member's; with a caller ({@code replyTo}), answers it once the others applied
   * it: through its node's copy, which gets the change last, or at once when that is this node's.
   */
  private void change(String name, Pid pid, ActorRef<Registered> replyTo) {
    seq++;
    GlobalNames.Change c = new GlobalNames.Change(id, seq, name, pid, getContext().getSelf());
    local.apply(c);
    String callerNode = replyTo == null ? localNode : nodeOf(replyTo.path().address());
    Set<String> awaiting = new HashSet<>();
    for (Member m : Members.up(cluster)) {
      String node = m.address().toString();
      if (node.equals(callerNode) || node.equals(localNode)) continue;
      copyAt(node).tell(c);
      if (inStep.contains(node)) awaiting.add(node);
    }
    if (replyTo == null) return;
    ActorRef<GlobalNames.Command> callerCopy = null;
    if (!callerNode.equals(localNode)) {
      callerCopy = copyAt(callerNode);
      callerCopy.tell(c);
    }
    pending.put(seq, new Pending(awaiting, callerCopy, replyTo));
    if (awaiting.isEmpty()) answer(seq);
    else getContext().scheduleOnce(APPLY_WAIT, getContext().getSelf(), new Unapplied(seq));
  }

  private Behavior<Command> onApplied(Applied m) {
    if (!m.registry().equals(id)) return this;
    inStep.add(m.node());
    Pending p = pending.get(m.seq());
    if (p != null && p.awaiting().remove(m.node()) && p.awaiting().isEmpty()) answer(m.seq());
    return this;
  }

  private Behavior<Command> onUnapplied(Unapplied m) {
    Pending p = pending.get(m.seq());
    if (p == null) return this;
    log.warn("Global name change {} is answered without the copies of {}: they did not apply it within {} ms and get every name again.",
        m.seq(), p.awaiting(), APPLY_WAIT.toMillis());
    for (String node : p.awaiting()) {
      inStep.remove(node); // not waited for until it applies the snapshot
      sendSnapshot(node);
    }
    answer(m.seq());
    return this;
  }

  private void answer(long seq) {
    Pending p = pending.remove(seq);
    if (p == null) return;
    if (p.callerCopy() == null) p.replyTo().tell(new Registered(true)); // this node's copy has it already
    else p.callerCopy().tell(new GlobalNames.Confirm(p.replyTo()));
  }

  private void sendSnapshot(String node) {
    if (node.equals(localNode)) local.apply(snapshot());
    else copyAt(node).tell(snapshot());
  }

  private GlobalNames.Snapshot snapshot() {
    return new GlobalNames.Snapshot(id, seq, Map.copyOf(names), getContext().getSelf());
  }

  private String nodeOf(Address address) {
    return (address.hasLocalScope() ? cluster.selfMember().address() : address).toString();
  }

  private ActorRef<GlobalNames.Command> copyAt(String node) {
    return resolver.resolveActorRef(node + "/system/" + GlobalNames.NAME);
  }

  private ActorRef<ProcessActor.Command> ref(Pid pid) {
    return resolver.resolveActorRef(pid.ref());
  }
}
