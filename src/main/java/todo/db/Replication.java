package todo.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.list.Change;
import todo.list.TodoList;

/**
 * {@code Database.store} across the cluster: every change goes to every replica, and is
 * acknowledged once enough of them (a majority by default) have committed it.
 *
 * <p>Nothing is fire-and-forget: Artery drops messages when its send queue overflows, so
 * each replica's answer is awaited and the request sent again until the deadline, and the
 * number of requests in flight is bounded. A replica found behind (it missed changes while
 * away) is sent what it lacks as a {@link Delta} from this node's own copy.
 */
final class Replication {

  private static final Logger log = LoggerFactory.getLogger(Replication.class);

  /** How many replicas must store a change before it is acknowledged. */
  enum Consistency {
    ALL, MAJORITY, LOCAL;

    int needed(int replicas) {
      return switch (this) {
        case ALL -> replicas;
        case MAJORITY -> replicas / 2 + 1;
        case LOCAL -> 1;
      };
    }
  }

  private final Database local;
  private final ReplicaSet replicas;
  private final Scheduler scheduler;
  private final Consistency consistency;
  private final Duration attemptTimeout;
  private final Duration deadline;
  private final Semaphore inFlight;
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

  private final io.micrometer.core.instrument.MeterRegistry metrics;

  Replication(ActorSystem<?> system, Database local, ReplicaSet replicas, io.micrometer.core.instrument.MeterRegistry metrics) {
    this.metrics = metrics;
    var config = system.settings().config().getConfig("todo.replication");
    this.local = local;
    this.replicas = replicas;
    this.scheduler = system.scheduler();
    String consistency = config.getString("write-consistency");
    try {
      this.consistency = Consistency.valueOf(consistency.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new todo.node.BadSettings("todo.replication.write-consistency must be all, majority or local, not '"
          + consistency + "'");
    }
    this.attemptTimeout = config.getDuration("attempt-timeout");
    this.deadline = config.getDuration("deadline");
    this.inFlight = new Semaphore(config.getInt("max-in-flight"));
  }

  CompletionStage<Done> store(Change change) {
    Map<String, ReplicaSet.Node> nodes = replicas.nodes();
    int needed = consistency.needed(nodes.size());
    List<String> away = nodes.values().stream()
        .filter(n -> !n.name().equals(replicas.self()) && (n.ref() == null || !n.reachable())).map(ReplicaSet.Node::name).toList();
    if (nodes.size() - away.size() < needed) { // cannot succeed: store nothing, anywhere
      return CompletableFuture.failedFuture(new StoreException("not stored: " + (nodes.size() - away.size()) + " of "
          + nodes.size() + " replicas are up and a majority is " + needed + " (away: " + String.join(", ", away)
          + "). Bring them back, or forget dead ones (todo forget DEAD --node LIVE)."));
    }
    Tally tally = new Tally(change, needed, nodes.size());
    CompletionStage<Done> committedHere = local.storeLocal(change);
    committedHere.whenComplete((d, failure) -> tally.answer(replicas.self(), failure == null, failure));
    long giveUpAt = System.nanoTime() + deadline.toNanos();
    for (ReplicaSet.Node node : nodes.values()) {
      if (node.name().equals(replicas.self())) continue;
      if (node.ref() == null) {
        tally.answer(node.name(), false, new StoreException(node.name() + " is down"));
      } else if (!inFlight.tryAcquire()) {
        tally.answer(node.name(), false, new StoreException("too many changes in flight to " + node.name()));
      } else {
        send(node, r -> new Replica.StoreChange(change, r), change, committedHere, giveUpAt)
            .whenComplete((ok, failure) -> {
              inFlight.release();
              tally.answer(node.name(), failure == null, failure);
            });
      }
    }
    return tally.result;
  }

  /** Sends until the replica has the change (or a delta carrying it), or the deadline passes. */
  private CompletionStage<Done> send(ReplicaSet.Node node, Function<ActorRef<Replica.Reply>, Replica.Command> message,
                                     Change change, CompletionStage<Done> committedHere, long giveUpAt) {
    return ask(node, message).handle((reply, failure) -> {
      if (reply != null && reply.stored()) return CompletableFuture.completedFuture(Done.getInstance());
      if (reply != null && reply.version() >= change.version()) { // it holds a newer history: this server is stale
        return CompletableFuture.<Done>failedFuture(new StoreException(reply.problem()));
      }
      if (System.nanoTime() > giveUpAt) {
        return CompletableFuture.<Done>failedFuture(new StoreException(node.name() + " did not store "
            + change.list() + "@" + change.version() + ": " + (reply != null ? reply.problem() : "no answer")));
      }
      if (reply != null && reply.version() >= 0 && reply.version() < change.version() - 1) {
        long have = reply.version(); // behind: send it what it lacks, once this node has committed the change
        return committedHere.thenCompose(d -> local.delta(change.list(), have))
            .thenCompose(delta -> send(node, r -> new Replica.StoreDelta(delta, r), change, committedHere, giveUpAt));
      }
      return send(node, message, change, committedHere, giveUpAt);
    }).thenCompose(Function.identity());
  }

  private CompletionStage<Replica.Reply> ask(ReplicaSet.Node node, Function<ActorRef<Replica.Reply>, Replica.Command> message) {
    return AskPattern.ask(node.ref(), message::apply, attemptTimeout, scheduler);
  }

  /**
   * The newest copy of {@code list} that the reachable replicas hold, brought into this
   * node's store first: what a list's server starts from after a failover. Every
   * acknowledged change is on a majority, so when a majority answered, the newest copy
   * among them holds all of them; otherwise {@code staleBecause} says why it may not.
   */
  CompletionStage<Database.Newest> newest(String list) {
    int needed = consistency.needed(replicas.nodes().size());
    return newestCopy(list).thenCompose(found -> local.recentRequests(list).thenApply(requests -> new Database.Newest(found.list(),
        found.answered() >= needed ? null : "only " + found.answered() + " of " + replicas.nodes().size()
            + " replicas answered (a majority is " + needed + "; no answer from " + String.join(", ", found.silent())
            + "), so this copy may miss changes. Bring those nodes back, or forget dead ones (todo forget DEAD --node LIVE).",
        requests)));
  }

  private record Found(TodoList list, int answered, List<String> silent) {}

  private CompletionStage<Found> newestCopy(String list) {
    return local.version(list).thenCompose(mine -> {
      Map<String, CompletableFuture<Replica.Reply>> asked = new java.util.LinkedHashMap<>();
      List<String> silent = new ArrayList<>();
      for (ReplicaSet.Node node : replicas.nodes().values()) {
        if (node.name().equals(replicas.self())) continue;
        if (node.ref() == null || !node.reachable()) {
          silent.add(node.name());
          continue;
        }
        asked.put(node.name(), ask(node, r -> new Replica.GetVersion(list, r)).toCompletableFuture()
            .exceptionally(noAnswer -> null));
      }
      return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenCompose(all -> {
        Replica.Reply newest = null;
        int answered = 1; // this node
        for (var f : asked.entrySet()) {
          Replica.Reply r = f.getValue().join();
          if (r != null && r.version() >= 0) answered++;
          else silent.add(f.getKey());
          if (r != null && r.version() > mine && (newest == null || r.version() > newest.version())) newest = r;
        }
        int count = answered;
        if (newest == null) return local.get(list).thenApply(l -> new Found(l, count, silent));
        ReplicaSet.Node holder = replicas.nodes().get(newest.node());
        log.info("Copy of {} here is at version {}; taking {} from {}.", list, mine, newest.version(), newest.node());
        return AskPattern.<Replica.Command, Delta>ask(holder.ref(), r -> new Replica.GetDelta(list, mine, r), attemptTimeout, scheduler)
            .thenCompose(local::storeLocal)
            .thenCompose(d -> local.get(list))
            .thenApply(l -> new Found(l, count, silent));
      });
    });
  }

  /** The version of {@code list} each replica holds; null for a replica that did not answer. */
  CompletionStage<Map<String, Long>> versions(String list) {
    Map<String, CompletableFuture<Long>> asked = new java.util.TreeMap<>();
    for (ReplicaSet.Node node : replicas.nodes().values()) {
      if (node.name().equals(replicas.self())) {
        asked.put(node.name(), local.version(list).toCompletableFuture());
      } else if (node.ref() == null || !node.reachable()) {
        asked.put(node.name(), CompletableFuture.completedFuture(null));
      } else {
        asked.put(node.name(), ask(node, r -> new Replica.GetVersion(list, r)).toCompletableFuture()
            .thenApply(r -> r.version() >= 0 ? r.version() : null).exceptionally(noAnswer -> null));
      }
    }
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
      Map<String, Long> versions = new java.util.LinkedHashMap<>();
      asked.forEach((node, f) -> versions.put(node, f.join()));
      return versions;
    });
  }

  /** Counts answers for one change and settles its future once the outcome is certain. */
  private final class Tally {
    final CompletableFuture<Done> result = new CompletableFuture<>();
    final Change change;
    final int needed;
    final int total;
    final List<String> stored = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    Tally(Change change, int needed, int total) {
      this.change = change;
      this.needed = needed;
      this.total = total;
    }

    synchronized void answer(String node, boolean ok, Throwable failure) {
      if (ok) {
        stored.add(node);
        if (failing.remove(node) != null) log.info("Replica {} stores changes again.", node);
      } else {
        String reason = reason(failure);
        problems.add(reason);
        metrics.counter("todo.store.failures", "node", node).increment();
        if (failing.put(node, true) == null) log.warn("Replica {} is not storing changes: {}", node, reason);
      }
      if (stored.size() >= needed) {
        if (result.complete(Done.getInstance())) metrics.counter("todo.changes.acknowledged").increment();
      } else if (stored.size() + (total - stored.size() - problems.size()) < needed) {
        result.completeExceptionally(new StoreException("stored " + change.list() + " on " + stored.size() + " of "
            + total + " replicas " + stored + ", needs " + needed + ": " + String.join("; ", problems)
            + (total > 1 ? ". Bring the missing nodes back, or forget dead ones (todo forget DEAD --node LIVE)." : "")));
      }
    }
  }

  static String reason(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause == null ? "unknown" : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
