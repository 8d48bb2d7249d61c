package todo.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.NodeRoles;
import todo.store.Position;
import todo.store.Store;

/**
 * A node that was away, or joins with an old folder, takes what it missed from the others
 * in the background ({@link CatchUpPass}: positions compared page by page, many lists'
 * deltas per message, from every peer that holds what is missing, written a batch per
 * transaction), so that live traffic keeps its share of the store. A pass runs when the
 * node starts, when a peer joins or becomes reachable again, and every
 * {@code todo.catch-up.interval} (anti-entropy: what a missed event would leave behind);
 * it compares with every peer that is up.
 *
 * <p>A pulled delta only ever moves a copy forward ({@link Position}); a list whose copy
 * here is the further one is left for the peer to take.
 */
final class CatchUp {

  private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
  static final String NAME = "catch-up";

  interface Command {}

  private record Tick() implements Command {}

  private record Changed(ClusterEvent.MemberEvent event) implements Command {}

  private record Reachable(ClusterEvent.ReachableMember event) implements Command {}

  /** {@code replicaSet}: the version of the replica set when the pass began. */
  private record Finished(List<String> peers, long replicaSet, CatchUpPass.Report report, Throwable failure) implements Command {}

  private final ActorSystem<?> system;
  private final ReplicaSet replicas;
  private final Duration interval;
  private final CatchUpPass pass;
  private long seenReplicaSet; // only the actor's thread reads and writes it
  /**
   * Off: no catch-up at start, on a peer's return or every interval (tests keep a copy stale
   * so); a change of the replica set still takes everything from each node of the new set,
   * since the next change waits for that.
   */
  private final boolean enabled;

  private CatchUp(ActorSystem<?> system, Store local, ReplicaSet replicas, CatchUpSettings settings, MeterRegistry metrics) {
    this.system = system;
    this.replicas = replicas;
    this.interval = settings.interval();
    this.enabled = settings.enabled();
    this.seenReplicaSet = replicas.config().version(); // the set it starts with is no change
    AtomicLong behind = new AtomicLong();
    // A node that joins a cluster at run time starts a new member with the same registry:
    // its gauge must read this pass's count, not the stopped member's.
    metrics.find(BEHIND).gauges().forEach(metrics::remove);
    Gauge.builder(BEHIND, behind, AtomicLong::get).strongReference(true)
        .description("Lists this node is still taking from its peers in the current catch-up pass").register(metrics);
    this.pass = new CatchUpPass(system, local, settings, new CatchUpPass.Meters(behind,
        counter(metrics, "todo.catchup.lists", "Lists this node brought up to date from its peers (catch-up)"),
        counter(metrics, "todo.catchup.changes", "Changes catch-up took from peers"),
        counter(metrics, "todo.catchup.asks", "Asks catch-up sent to peers (positions and deltas)"),
        counter(metrics, "todo.catchup.writes", "Writes catch-up committed to this node's store")));
  }

  private static final String BEHIND = "todo.catchup.lists.behind";

  private static Counter counter(MeterRegistry metrics, String name, String description) {
    return Counter.builder(name).description(description).register(metrics);
  }

  static Behavior<Command> create(ActorSystem<?> system, Store local, ReplicaSet replicas, CatchUpSettings settings,
                                  MeterRegistry metrics) {
    CatchUp catchUp = new CatchUp(system, local, replicas, settings, metrics);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      var cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, Changed::new), ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachableMember.class, Reachable::new), ClusterEvent.ReachableMember.class));
      timers.startTimerWithFixedDelay(new Tick(), Duration.ofSeconds(1));
      return catchUp.idle(new HashMap<>(), new HashSet<>());
    }));
  }

  /**
   * {@code lastDone}: when each peer was last caught up from; {@code due}: peers to catch
   * up from at once (they joined or came back, or the last pass missed some of their lists).
   */
  private Behavior<Command> idle(Map<String, Long> lastDone, Set<String> due) {
    return whenPeersChange(due)
        .onMessage(Tick.class, m -> {
          List<ReplicaSet.ReplicaNode> peers = next(lastDone, due);
          if (peers.isEmpty()) return Behaviors.same();
          List<String> names = peers.stream().map(ReplicaSet.ReplicaNode::name).toList();
          names.forEach(due::remove);
          long replicaSet = replicas.config().version();
          return Behaviors.setup(ctx -> {
            ctx.pipeToSelf(pass.run(peers), (report, failure) -> new Finished(names, replicaSet, report, failure));
            return running(lastDone, due);
          });
        })
        .onMessage(Finished.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> running(Map<String, Long> lastDone, Set<String> due) {
    return whenPeersChange(due)
        .onMessage(Tick.class, m -> Behaviors.same())
        .onMessage(Finished.class, m -> {
          long now = System.nanoTime();
          for (String peer : m.peers()) lastDone.put(peer, now);
          if (m.failure() != null) {
            log.warn("Catch-up from {} stopped: {} (it is tried again).", m.peers(), Replication.reason(m.failure()));
            due.addAll(m.peers());
            return idle(lastDone, due);
          }
          report(m.peers(), m.report().stats());
          for (String peer : m.peers()) {
            if (m.report().complete().contains(peer)) replicas.pulledFrom(peer, m.replicaSet()); // what a change of the replica set waits for
            else due.add(peer); // some of its lists are still behind here: the next tick tries again
          }
          return idle(lastDone, due);
        })
        .build();
  }

  /** In any state: a peer that joins or comes back is due at once. */
  private org.apache.pekko.actor.typed.javadsl.BehaviorBuilder<Command> whenPeersChange(Set<String> due) {
    return Behaviors.receive(Command.class)
        .onMessage(Changed.class, m -> {
          if (enabled && m.event() instanceof ClusterEvent.MemberUp up) NodeRoles.node(up.member().getRoles()).ifPresent(due::add);
          return Behaviors.same();
        })
        .onMessage(Reachable.class, m -> {
          if (enabled) NodeRoles.node(m.event().member().getRoles()).ifPresent(due::add);
          return Behaviors.same();
        });
  }

  /**
   * The peers to catch up from now: none until one is due (it joined or came back, or was
   * never caught up from, or not for an interval); then every peer that can answer, so that
   * what is missing is taken from all that hold it. Off: only the due ones.
   */
  private List<ReplicaSet.ReplicaNode> next(Map<String, Long> lastDone, Set<String> due) {
    long now = System.nanoTime();
    if (replicas.config().version() != seenReplicaSet) { // a new set: take everything from each node of it again
      seenReplicaSet = replicas.config().version();
      due.addAll(replicas.nodes().keySet());
    }
    Set<String> up = new HashSet<>(); // not a node on its way out: asking one can hold up this node's own shutdown
    up.addAll(todo.node.Members.upNodes(Cluster.get(system)));
    List<ReplicaSet.ReplicaNode> ready = new ArrayList<>();
    boolean anyDue = false;
    for (ReplicaSet.ReplicaNode n : replicas.nodes().values()) {
      if (n.name().equals(replicas.self()) || n.ref() == null || !n.reachable() || !up.contains(n.name())) continue;
      boolean isDue = due.contains(n.name())
          || (enabled && (!lastDone.containsKey(n.name()) || now - lastDone.get(n.name()) >= interval.toNanos()));
      anyDue |= isDue;
      if (isDue || enabled) ready.add(n);
    }
    return anyDue ? ready : List.of();
  }

  private static void report(List<String> peers, CatchUpPass.Stats s) {
    if (s.behind() == 0) return; // nothing missed: nothing to say
    log.info("Caught up from {}: {} of {} lists were behind; took {} ({} changes){} in {} ms.", peers, s.behind(), s.compared(),
        s.taken(), s.changes(), s.failed() > 0 ? ", " + s.failed() + " failed (repaired on their next write or next try)" : "",
        s.nanos() / 1_000_000);
  }
}
