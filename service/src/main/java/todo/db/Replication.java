package todo.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.store.Configuration;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Stamped;
import todo.store.Store;
import todo.store.StoreException;
import todo.Stages;

/**
 * {@code Database.store} across the cluster: every change goes to every replica, and is
 * acknowledged once enough of them (a majority by default) have committed it under the
 * epoch and the replica set its server started with ({@link ListStart}). Nothing is
 * fire-and-forget: Artery drops messages when its send queue overflows, so each replica's
 * answer is awaited and the request sent again until the deadline, further apart each time
 * it is refused, and the number of changes in flight to each replica is bounded.
 * A replica that lacks changes, or holds a change this server's history does not (a
 * change once stored on a minority only), is sent what it needs from this node's copy: a
 * {@link Delta}, or a snapshot that replaces its copy.
 */
final class Replication {

  private static final Logger log = LoggerFactory.getLogger(Replication.class);

  private final Store local;
  private final ReplicaSet replicas;
  private final ActorSystem<?> system;
  private final Scheduler scheduler;
  private final ReplicationSettings settings;
  /** Changes on their way to each replica, bounded per replica: a slow one cannot take the others' share. */
  private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
  /** For each list served here, the latest version every replica is known to hold: tombstones up to it may go. */
  private final Map<String, Long> storedEverywhere = new ConcurrentHashMap<>();
  private final io.micrometer.core.instrument.MeterRegistry metrics;
  private final io.micrometer.core.instrument.Counter acknowledged;
  /** Each replica's acknowledgement latency ({@link ReplicationMeters#ackTimer}), by node. */
  private final Map<String, io.micrometer.core.instrument.Timer> ackTimers = new ConcurrentHashMap<>();
  /** How changes travel to each replica: in batches, one stream per replica. */
  private final ChangeBatches batches;
  /** The view {@link #batches} last kept streams for; a new view closes the streams of nodes it lacks. */
  private final AtomicReference<ReplicaSet.View> batchesView = new AtomicReference<>();

  Replication(ActorSystem<?> system, Store local, ReplicaSet replicas, ReplicationSettings settings,
              io.micrometer.core.instrument.MeterRegistry metrics) {
    this.metrics = metrics;
    this.acknowledged = ReplicationMeters.acknowledged(metrics);
    this.local = local;
    this.replicas = replicas;
    this.system = system;
    this.scheduler = system.scheduler();
    this.settings = settings;
    this.batches = new ChangeBatches(system, settings.attemptTimeout(), settings.batchesInFlight(),
        settings.maxInFlightPerReplica(), metrics);
  }

  // ---- storing a change

  CompletionStage<Done> store(Stamped made) {
    ReplicaSet.View view = replicas.view();
    Configuration config = view.config();
    if (!config.known()) {
      return CompletableFuture.failedFuture(new StoreException("not stored: " + replicas.self()
          + " knows no replica set yet; it learns one from the cluster it joins"));
    }
    long under = made.replicaSet() == 0 ? config.version() : made.replicaSet();
    if (under != config.version()) { // its epoch was promised by a majority of another set
      return CompletableFuture.failedFuture(new ReplicaSetChanged("the replica set is " + config + " since the server of list "
          + made.list() + " started (under version " + under + "): it starts again under the new one", true));
    }
    Stamped change = new Stamped(made.change(), made.epoch(), made.previousEpoch(),
        storedEverywhere.getOrDefault(made.list(), 0L), config.version());
    Map<String, ReplicaSet.ReplicaNode> nodes = view.nodes();
    closeStreamsOfGoneNodes(view);
    boolean member = nodes.containsKey(replicas.self());
    int needed = settings.needed(nodes.size());
    List<String> away = nodes.values().stream()
        .filter(n -> !n.name().equals(replicas.self()) && (n.ref() == null || !n.reachable())).map(ReplicaSet.ReplicaNode::name).toList();
    if (nodes.size() - away.size() < needed) { // cannot succeed: store nothing, anywhere
      return CompletableFuture.failedFuture(new StoreException("not stored: " + (nodes.size() - away.size()) + " of "
          + nodes.size() + " replicas are up and a majority is " + needed + " (away: " + String.join(", ", away)
          + "). Start them again, or forget the ones that are gone for good (todo forget DEAD --node LIVE)."));
    }
    Tally tally = new Tally(change, needed, nodes.size());
    CompletionStage<Done> committedHere = local.applyChange(change).thenApply(r -> {
      if (!r.stored()) throw refusal(replicas.self(), change.list(), r.outcome(), r.promised());
      return Done.getInstance();
    });
    // a node outside the set keeps its copy (repairs are sent from it) but does not count
    if (member) committedHere.whenComplete((d, failure) -> tally.answer(replicas.self(), failure == null, failure));
    long giveUpAt = System.nanoTime() + settings.deadline().toNanos();
    for (ReplicaSet.ReplicaNode node : nodes.values()) {
      if (node.name().equals(replicas.self())) continue;
      if (node.ref() == null) {
        tally.answer(node.name(), false, new StoreException(node.name() + " is down"));
      } else if (!inFlight(node.name()).tryAcquire()) {
        tally.answer(node.name(), false, new StoreException("too many changes in flight to " + node.name()));
      } else {
        long sentAt = System.nanoTime();
        send(node, () -> batches.ask(node, change), change, committedHere, giveUpAt)
            .whenComplete((ok, failure) -> {
              inFlight(node.name()).release();
              if (failure == null) ackTimer(node.name()).record(System.nanoTime() - sentAt, java.util.concurrent.TimeUnit.NANOSECONDS);
              tally.answer(node.name(), failure == null, failure);
            });
      }
    }
    return tally.result;
  }

  /**
   * The replica set's view changes when a node joins, leaves, goes down or comes back: the
   * streams of nodes the new view has no reference for are closed, so that a long-lived node
   * keeps one stream per live replica rather than one per incarnation it ever sent to.
   */
  private void closeStreamsOfGoneNodes(ReplicaSet.View view) {
    ReplicaSet.View last = batchesView.get();
    if (last == view || !batchesView.compareAndSet(last, view)) return;
    Set<ActorRef<Replica.Command>> live = new HashSet<>();
    for (ReplicaSet.ReplicaNode node : view.nodes().values()) if (node.ref() != null) live.add(node.ref());
    batches.keepOnly(live);
  }

  /**
   * Sends until the replica holds the change (or a delta carrying it), or the deadline passes.
   * Its answers GAP and DIVERGED are progress: what it lacks goes out at once. A refusal
   * (its store overloaded or failing) or no answer is sent again, the attempts starting at
   * least {@link Backoff} apart: a replica that cannot keep up gets fewer requests, not more.
   * The wait counts from the start of the attempt, so one that timed out, having waited
   * {@code attempt-timeout} (more than the backoff's cap), goes again at once: it already
   * sends no more than one request a timeout, most often Artery dropped the message, and a
   * further wait would only spend the deadline.
   */
  private CompletionStage<Done> send(ReplicaSet.ReplicaNode node, Supplier<CompletionStage<Replica.Reply>> attempt,
                                     Stamped change, CompletionStage<Done> committedHere, long giveUpAt) {
    return send(node, attempt, change, committedHere, giveUpAt, 0);
  }

  /** {@code resends}: how many times this change was sent again to this replica so far. */
  private CompletionStage<Done> send(ReplicaSet.ReplicaNode node, Supplier<CompletionStage<Replica.Reply>> attempt,
                                     Stamped change, CompletionStage<Done> committedHere, long giveUpAt, int resends) {
    long sentAt = System.nanoTime();
    return attempt.get().handleAsync((reply, failure) -> {
      if (reply != null && reply.stored()) return CompletableFuture.completedFuture(Done.getInstance());
      Outcome outcome = reply == null ? null : reply.outcome();
      if (outcome == Outcome.STALE || outcome == Outcome.NEWER_HERE) { // a newer server of the list exists
        return CompletableFuture.<Done>failedFuture(refusal(node.name(), change.list(), outcome, reply.promised()));
      }
      if (outcome == Outcome.OTHER_REPLICA_SET) {
        if (reply.replicaSet() >= change.replicaSet()) { // the set moved on: the server starts again under it
          return CompletableFuture.<Done>failedFuture(new ReplicaSetChanged(node.name() + " holds version "
              + reply.replicaSet() + " of the replica set (or is choosing the next), not " + change.replicaSet()));
        }
        replicas.tellBehind(node.name()); // it lags this node's set: tell it, then send again
      }
      long now = System.nanoTime();
      if (now > giveUpAt) return notStored(node, change, reply);
      if (outcome == Outcome.GAP || outcome == Outcome.DIVERGED) {
        Position theirs = reply.position(); // send what it lacks, once this node has committed the change
        return committedHere.thenCompose(d -> local.delta(change.list(), theirs))
            .thenCompose(delta -> send(node, () -> ask(node, r -> new Replica.StoreDelta(delta.toSend(system), change.epoch(), r)),
                change, committedHere, giveUpAt, resends)); // a fresh stream for each attempt: a stream is read once
      }
      // the last attempt starts at the deadline at the latest
      long wait = Math.min(giveUpAt - now, Math.max(0, sentAt + settings.backoff().before(resends + 1).toNanos() - now));
      ReplicationMeters.ByNode.RESENDS.of(metrics, node.name()).increment();
      return Stages.on(system.executionContext(), Patterns.after(Duration.ofNanos(wait), system,
          () -> send(node, attempt, change, committedHere, giveUpAt, resends + 1)));
    }, system.executionContext()).thenCompose(Function.identity());
  }

  private static CompletionStage<Done> notStored(ReplicaSet.ReplicaNode node, Stamped change, Replica.Reply reply) {
    return CompletableFuture.failedFuture(new StoreException(node.name() + " did not store "
        + change.list() + "@" + change.version() + ": " + (reply == null ? "no answer"
        : reply.problem() != null ? reply.problem() : "its copy is at " + reply.position())));
  }

  private io.micrometer.core.instrument.Timer ackTimer(String node) {
    io.micrometer.core.instrument.Timer timer = ackTimers.get(node);
    return timer != null ? timer : ackTimers.computeIfAbsent(node, n -> ReplicationMeters.ackTimer(metrics, n));
  }

  private Semaphore inFlight(String node) {
    return inFlight.computeIfAbsent(node, n -> new Semaphore(settings.maxInFlightPerReplica()));
  }

  private static StoreException refusal(String node, String list, Outcome outcome, long promised) {
    return switch (outcome) {
      case STALE -> new StoreException(node + " promised a newer server of list " + list + " (epoch " + promised
          + "): this one steps down");
      case NEWER_HERE -> new StoreException(node + " holds a newer copy of list " + list + ": this server steps down");
      case OTHER_REPLICA_SET -> new ReplicaSetChanged(node + " holds another version of the replica set");
      default -> new StoreException(node + " did not store the change of list " + list + ": " + outcome);
    };
  }

  private CompletionStage<Replica.Reply> ask(ReplicaSet.ReplicaNode node, Function<ActorRef<Replica.Reply>, Replica.Command> message) {
    return Stages.on(system.executionContext(), AskPattern.ask(node.ref(), message::apply, settings.attemptTimeout(), scheduler));
  }

  // ---- for operators

  /** Where each replica's copy of {@code list} stands; null for a replica that did not answer. */
  CompletionStage<Map<String, Position>> positions(String list) {
    Map<String, CompletableFuture<Position>> asked = new java.util.TreeMap<>();
    for (ReplicaSet.ReplicaNode node : replicas.nodes().values()) {
      if (node.name().equals(replicas.self())) {
        asked.put(node.name(), local.position(list).toCompletableFuture());
      } else if (node.ref() == null || !node.reachable()) {
        asked.put(node.name(), CompletableFuture.completedFuture(null));
      } else {
        asked.put(node.name(), ask(node, r -> new Replica.GetPosition(list, r)).toCompletableFuture()
            .thenApply(Replica.Reply::position).exceptionally(noAnswer -> null));
      }
    }
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
      Map<String, Position> positions = new LinkedHashMap<>();
      asked.forEach((node, f) -> positions.put(node, f.join()));
      return positions;
    });
  }

  /** Counts answers for one change and settles its future once the outcome is certain. */
  private final class Tally {
    final CompletableFuture<Done> result = new CompletableFuture<>();
    final Stamped change;
    final int needed;
    final int total;
    final List<String> stored = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    boolean setChanged;

    Tally(Stamped change, int needed, int total) {
      this.change = change;
      this.needed = needed;
      this.total = total;
    }

    synchronized void answer(String node, boolean ok, Throwable failure) {
      if (ok) {
        stored.add(node);
        if (failing.remove(node) != null) log.info("Replica {} stores changes again.", node);
        if (stored.size() == total) storedEverywhere.merge(change.list(), change.version(), Math::max);
      } else {
        String reason = reason(failure);
        problems.add(reason);
        ReplicationMeters.ByNode.FAILURES.of(metrics, node).increment();
        if (failing.put(node, true) == null) log.warn("Replica {} is not storing changes: {}", node, reason);
      }
      if (failure != null && ReplicaSetChanged.is(failure)) setChanged = true;
      if (stored.size() >= needed) {
        if (!result.isDone()) { // counted first: completing it may answer the client at once
          acknowledged.increment();
          result.complete(Done.getInstance());
        }
      } else if (stored.size() + (total - stored.size() - problems.size()) < needed) {
        if (setChanged) {
          result.completeExceptionally(new ReplicaSetChanged("not acknowledged: the replica set changed while storing "
              + change.list() + "@" + change.version() + ": " + String.join("; ", problems)));
          return;
        }
        result.completeExceptionally(new StoreException("not acknowledged: stored " + change.list() + "@" + change.version()
            + " on " + stored.size() + " of " + total + " replicas " + stored + ", needs " + needed + ": "
            + String.join("; ", problems)
            + (total > 1 ? ". Bring the missing nodes back, or forget dead ones (todo forget DEAD --node LIVE)." : "")));
      }
    }
  }

  static String reason(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause == null ? "unknown" : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
