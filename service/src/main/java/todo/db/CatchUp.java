package todo.db;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.NodeRoles;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Store;
import todo.Stages;

/**
 * A node that was away, or joins with an old folder, takes what it missed from the others
 * in the background: it compares its lists' positions with a peer's, page by
 * page, and pulls a delta for every list the peer holds further on, a few at a time, so
 * that live traffic keeps its share of the store. It does so from every peer when it
 * starts, from a peer that joins or becomes reachable again, and from each peer every
 * {@code todo.catch-up.interval} (anti-entropy: what a missed event would leave behind).
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
  private record Finished(String peer, long replicaSet, Stats stats, Throwable failure) implements Command {}

  /** What one catch-up from one peer did. */
  record Stats(int compared, int behind, int taken, long changes, int failed, long nanos) {}

  private final ActorSystem<?> system;
  private final Store local;
  private final ReplicaSet replicas;
  private final Duration interval;
  private final Duration timeout;
  private final int parallelism;
  private final int page;
  private final AtomicLong behind = new AtomicLong();
  private long seenReplicaSet; // only the actor's thread reads and writes it
  /**
   * Off: no catch-up at start, on a peer's return or every interval (tests keep a copy stale
   * so); a change of the replica set still takes everything from each node of the new set,
   * since the next change waits for that.
   */
  private final boolean enabled;
  private final io.micrometer.core.instrument.Counter listsTaken;
  private final io.micrometer.core.instrument.Counter changesTaken;

  private CatchUp(ActorSystem<?> system, Store local, ReplicaSet replicas, CatchUpSettings settings, MeterRegistry metrics) {
    this.system = system;
    this.local = local;
    this.replicas = replicas;
    this.interval = settings.interval();
    this.timeout = settings.timeout();
    this.parallelism = settings.parallelism();
    this.page = settings.page();
    this.enabled = settings.enabled();
    this.seenReplicaSet = replicas.config().version(); // the set it starts with is no change
    metrics.gauge("todo.catchup.lists.behind", behind);
    this.listsTaken = metrics.counter("todo.catchup.lists");
    this.changesTaken = metrics.counter("todo.catchup.changes");
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
   * up from at once (they joined or came back).
   */
  private Behavior<Command> idle(Map<String, Long> lastDone, Set<String> due) {
    return whenPeersChange(due)
        .onMessage(Tick.class, m -> {
          ReplicaSet.ReplicaNode peer = next(lastDone, due);
          if (peer == null) return Behaviors.same();
          due.remove(peer.name());
          long replicaSet = replicas.config().version();
          return Behaviors.setup(ctx -> {
            ctx.pipeToSelf(from(peer), (stats, failure) -> new Finished(peer.name(), replicaSet, stats, failure));
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
          lastDone.put(m.peer(), System.nanoTime());
          if (m.failure() != null) {
            log.warn("Catch-up from {} stopped: {} (it is tried again).", m.peer(), Replication.reason(m.failure()));
            due.add(m.peer());
          } else {
            report(m.peer(), m.stats());
            replicas.pulledFrom(m.peer(), m.replicaSet()); // what a change of the replica set waits for
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

  /** The peer to catch up from now: one that is due, else one not caught up from for an interval. */
  private ReplicaSet.ReplicaNode next(Map<String, Long> lastDone, Set<String> due) {
    long now = System.nanoTime();
    if (replicas.config().version() != seenReplicaSet) { // a new set: take everything from each node of it again
      seenReplicaSet = replicas.config().version();
      due.addAll(replicas.nodes().keySet());
    }
    Set<String> up = new HashSet<>(); // not a node on its way out: asking one can hold up this node's own shutdown
    up.addAll(todo.node.Members.upNodes(Cluster.get(system)));
    ReplicaSet.ReplicaNode oldest = null;
    for (ReplicaSet.ReplicaNode n : replicas.nodes().values()) {
      if (n.name().equals(replicas.self()) || n.ref() == null || !n.reachable() || !up.contains(n.name())) continue;
      if (due.contains(n.name()) || (enabled && !lastDone.containsKey(n.name()))) return n;
      if (!enabled) continue;
      if (now - lastDone.get(n.name()) >= interval.toNanos()
          && (oldest == null || lastDone.get(n.name()) < lastDone.get(oldest.name()))) oldest = n;
    }
    return oldest;
  }

  private static void report(String peer, Stats s) {
    if (s.behind() == 0) return; // nothing missed: nothing to say
    log.info("Caught up from {}: {} of {} lists were behind; took {} ({} changes){} in {} ms.", peer, s.behind(), s.compared(),
        s.taken(), s.changes(), s.failed() > 0 ? ", " + s.failed() + " failed (repaired on their next write or next try)" : "",
        s.nanos() / 1_000_000);
  }

  private record Behind(String list, Position mine, Position theirs) {}

  /** Compares every list with {@code peer}'s, then pulls what is behind here. */
  private CompletionStage<Stats> from(ReplicaSet.ReplicaNode peer) {
    long started = System.nanoTime();
    return compare(peer, "", new ArrayList<>(), new int[1]).thenComposeAsync(found -> {
      List<Behind> lagging = found.lagging;
      if (lagging.isEmpty()) return CompletableFuture.completedFuture(new Stats(found.compared, 0, 0, 0, 0, System.nanoTime() - started));
      log.info("Catching up from {}: {} of {} lists are behind here.", peer.name(), lagging.size(), found.compared);
      behind.addAndGet(lagging.size());
      long[] progress = {0, 0, 0, System.nanoTime()}; // taken, changes, failed, last report
      return Source.from(lagging)
          .mapAsyncUnordered(parallelism, b -> pull(peer, b))
          .runWith(Sink.foreach(changes -> {
            behind.decrementAndGet();
            if (changes < 0) {
              progress[2]++;
            } else {
              progress[0]++;
              progress[1] += changes;
              listsTaken.increment();
              changesTaken.increment(changes);
            }
            if (System.nanoTime() - progress[3] > Duration.ofSeconds(5).toNanos()) {
              progress[3] = System.nanoTime();
              log.info("Catching up from {}: {} of {} lists taken ({} changes).", peer.name(), progress[0], lagging.size(), progress[1]);
            }
          }), system)
          .thenApplyAsync(done -> new Stats(found.compared, lagging.size(), (int) progress[0], progress[1], (int) progress[2],
              System.nanoTime() - started), system.executionContext());
    }, system.executionContext());
  }

  private record Compared(int compared, List<Behind> lagging) {}

  private CompletionStage<Compared> compare(ReplicaSet.ReplicaNode peer, String after, List<Behind> lagging, int[] compared) {
    return Stages.on(system.executionContext(), AskPattern.<Replica.Command, Replica.Positions>ask(peer.ref(),
        r -> new Replica.GetPositions(after, page, r), timeout, system.scheduler())).thenComposeAsync(answer -> {
          SortedMap<String, Position> theirs = answer.lists();
          if (theirs.isEmpty()) return CompletableFuture.completedFuture(new Compared(compared[0], lagging));
          compared[0] += theirs.size();
          return local.positionsOf(theirs.keySet()).thenCompose(mine -> {
            theirs.forEach((list, position) -> {
              if (position.isAfter(mine.get(list))) lagging.add(new Behind(list, mine.get(list), position));
            });
            return compare(peer, theirs.lastKey(), lagging, compared);
          });
        }, system.executionContext());
  }

  /** Pulls one list's delta; the number of changes taken, or -1 when it failed. */
  private CompletionStage<Long> pull(ReplicaSet.ReplicaNode peer, Behind b) {
    return Stages.on(system.executionContext(), AskPattern.<Replica.Command, Delta>ask(peer.ref(),
            r -> new Replica.GetDelta(b.list(), b.mine(), r), timeout, system.scheduler()))
        .thenComposeAsync(delta -> delta.received(system), system.executionContext())
        .thenComposeAsync(delta -> local.applyDelta(delta, -1), system.executionContext())
        .thenApply(r -> r.outcome() == Outcome.APPLIED ? Math.max(0, r.position().version() - b.mine().version()) : 0L)
        .exceptionally(failure -> {
          log.debug("Could not take {} from {}: {}", b.list(), peer.name(), Replication.reason(failure));
          return -1L;
        });
  }
}
