package todo.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.store.Configuration;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Store;
import todo.store.StoreException;
import todo.Stages;

/**
 * The start of a list's server: the {@link ReplicatedList} it is given.
 *
 * <p>A new server of a list takes an epoch higher than any the replicas promised before
 * and asks them to promise it: from then on they refuse changes of older epochs, so a
 * server that lost its place (paused, partitioned) cannot get another change
 * acknowledged. It continues from the newest copy among those that promised
 * ({@link Position}); with promises from a majority, that copy holds every acknowledged
 * change. The replicas that promised but hold another copy are sent what they lack. The
 * promises go through {@link Promises}, which carries those of lists starting together to
 * each replica in one message.
 */
final class ListStart {

  private static final Logger log = LoggerFactory.getLogger(ListStart.class);

  /** Rounds of promises a starting server tries before it gives up on a majority. */
  private static final int PREPARE_ROUNDS = 5;
  /** Rounds, 300 ms apart, a starting server waits for the replica set to settle (about 4 s). */
  private static final int SET_MOVED_ROUNDS = 14;

  private final Store local;
  private final ReplicaSet replicas;
  private final ActorSystem<?> system;
  private final Replication replication;
  private final ReplicationSettings settings;
  private final Promises promises;

  ListStart(ActorSystem<?> system, Store local, ReplicaSet replicas, Replication replication, ReplicationSettings settings,
            Promises promises) {
    this.system = system;
    this.local = local;
    this.replicas = replicas;
    this.replication = replication;
    this.settings = settings;
    this.promises = promises;
  }

  /** A replica's answer to a starting server: promised, refused (it promised a newer one), or silent. */
  private record Answer(String node, Replica.Reply reply) {
    boolean promised() {
      return reply != null && reply.outcome() == Outcome.APPLIED;
    }

    boolean refused() {
      return reply != null && reply.outcome() == Outcome.STALE;
    }
  }

  /**
   * Takes a new epoch for {@code list} and the newest copy among the replicas that promise
   * it, stored here first; sends the others what they lack. Without promises from enough
   * replicas the list is read-only, and says why.
   */
  CompletionStage<ReplicatedList> start(String list) {
    return local.promisedEpoch(list).thenComposeAsync(promised -> prepare(list, promised + 1, 1), system.executionContext());
  }

  private CompletionStage<ReplicatedList> prepare(String list, long epoch, int round) {
    ReplicaSet.View view = replicas.view();
    Configuration config = view.config();
    if (!config.known() && round < SET_MOVED_ROUNDS) { // a node that just joined learns the set within a second
      return later(() -> prepare(list, epoch, round + 1));
    }
    Map<String, CompletableFuture<Answer>> asked = new LinkedHashMap<>();
    asked.put(replicas.self(), local.promise(list, epoch, replicas.self(), config.version()).toCompletableFuture()
        .thenApply(r -> new Answer(replicas.self(), new Replica.Reply(replicas.self(), r.outcome(), r.position(), r.promised(), null,
            r.replicaSet()))));
    for (ReplicaSet.ReplicaNode node : view.nodes().values()) {
      if (node.name().equals(replicas.self())) continue;
      if (node.ref() == null || !node.reachable()) {
        asked.put(node.name(), CompletableFuture.completedFuture(new Answer(node.name(), null)));
      } else {
        asked.put(node.name(), promises.ask(node, list, epoch, config.version())
            .thenApplyAsync(r -> new Answer(node.name(), r), system.executionContext())
            .toCompletableFuture().exceptionally(noAnswer -> new Answer(node.name(), null)));
      }
    }
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenComposeAsync(all -> {
      List<Answer> answers = asked.values().stream().map(CompletableFuture::join).toList();
      long newerEpoch = answers.stream().filter(Answer::refused).mapToLong(a -> a.reply().promised()).max().orElse(-1);
      if (newerEpoch >= epoch && round < PREPARE_ROUNDS) return prepare(list, newerEpoch + 1, round + 1);
      boolean setMoved = false;
      for (Answer a : answers) {
        if (a.reply() == null || a.reply().outcome() != Outcome.OTHER_REPLICA_SET) continue;
        if (a.reply().replicaSet() < config.version()) replicas.tellBehind(a.node());
        setMoved = true;
      }
      // a node lags the set, this one does, or the next is being chosen: ask again, while the
      // next can be chosen at all (a node alone, say, whose store accepted a next set that it
      // never saw chosen, waits for the others whatever it does)
      if (setMoved && round < SET_MOVED_ROUNDS && view.majorityReachable()) {
        return later(() -> prepare(list, Math.max(epoch, newerEpoch + 1), round + 1));
      }
      return adopt(list, epoch, view, answers);
    }, system.executionContext());
  }

  /** Runs {@code next} 300 ms from now, on Pekko's dispatcher. */
  private <T> CompletionStage<T> later(Supplier<CompletionStage<T>> next) {
    return Stages.on(system.executionContext(), Patterns.after(Duration.ofMillis(300), system, next::get));
  }

  private CompletionStage<ReplicatedList> adopt(String list, long epoch, ReplicaSet.View view, List<Answer> answers) {
    int needed = settings.needed(view.nodes().size());
    // only the set's nodes count; this node's copy is the starting point even when it is not one
    List<Answer> promised = answers.stream().filter(a -> a.promised() && view.nodes().containsKey(a.node())).toList();
    Answer mine = answers.get(0);
    Answer newest = mine;
    for (Answer a : promised) if (a.reply().position().isAfter(newest.reply().position())) newest = a;
    if (mine.reply() == null || mine.reply().position() == null) {
      return CompletableFuture.failedFuture(new StoreException("cannot start list " + list + " here: "
          + (mine.reply() == null ? "no answer from this node's store" : mine.reply().problem())));
    }
    String staleBecause = null;
    if (promised.size() < needed) {
      List<String> silent = answers.stream().filter(a -> a.reply() == null).map(Answer::node).toList();
      List<String> refused = answers.stream().filter(Answer::refused).map(Answer::node).toList();
      staleBecause = "only " + promised.size() + " of " + answers.size() + " replicas answered (a majority is " + needed
          + (silent.isEmpty() ? "" : "; no answer from " + String.join(", ", silent))
          + (refused.isEmpty() ? "" : "; " + String.join(", ", refused) + " promised a newer server")
          + ")" + unfinishedSetChange(mine) + ", so this copy may miss changes. Start those nodes again, or forget the "
          + "ones that are gone for good (todo forget DEAD --node LIVE).";
    }
    String reason = staleBecause;
    long replicaSet = view.config().version(); // its promises were made under it, and so are its changes
    return pullNewest(list, mine.reply().position(), newest).thenComposeAsync(position ->
        (reason != null ? CompletableFuture.completedFuture(reason) : repairOthers(list, epoch, position, promised, needed))
            .thenCompose(notOnAMajority -> local.get(list).thenCombine(local.recentRequests(list),
                (copy, requests) -> new ReplicatedList(this, replication, local, system.executionContext(),
                    new ReplicatedList.Started(copy, epoch, position.epoch(), replicaSet, notOnAMajority, requests)))),
        system.executionContext());
  }

  /** Why this node's own store did not promise, when the cause is a change of the replica set it saw begin but not end. */
  private String unfinishedSetChange(Answer mine) {
    if (mine.reply() == null || mine.reply().outcome() != Outcome.OTHER_REPLICA_SET) return "";
    Configuration accepted = local.replicaSet().accepted();
    return accepted == null ? "; this node's store holds another version of the replica set"
        : "; this node accepted the next replica set " + accepted + " but has not seen it chosen: that completes once a "
            + "majority of " + local.replicaSet().chosen() + " are up together";
  }

  /** Brings the copy here to {@code newest}'s; the position this copy is at after. */
  private CompletionStage<Position> pullNewest(String list, Position mine, Answer newest) {
    if (newest.node().equals(replicas.self()) || !newest.reply().position().isAfter(mine)) {
      return CompletableFuture.completedFuture(mine);
    }
    log.info("Copy of {} here is at {}; taking {} from {}.", list, mine, newest.reply().position(), newest.node());
    ReplicaSet.ReplicaNode holder = replicas.nodes().get(newest.node());
    return Stages.on(system.executionContext(), AskPattern.<Replica.Command, Delta>ask(holder.ref(),
            r -> new Replica.GetDelta(list, mine, r), settings.deadline(), system.scheduler()))
        .thenComposeAsync(delta -> delta.received(system), system.executionContext())
        .thenCompose(delta -> local.applyDelta(delta, -1))
        .thenApply(r -> {
          if (!r.stored()) throw new StoreException("cannot take the copy of " + list + " from " + newest.node() + ": " + r.outcome());
          return r.position();
        });
  }

  /**
   * Sends every replica that promised but holds another copy what it lacks, and completes
   * once {@code needed} of them (this node included) hold the copy this server starts from:
   * with null, or with the reason why not. Until then nothing in that copy is acknowledged,
   * not even a request sent again whose change it holds: that change may so far be on this
   * node only, stored by a server that failed before a majority followed (Raft's leader
   * commits an entry of its own term for the same reason).
   */
  private CompletionStage<String> repairOthers(String list, long epoch, Position newest, List<Answer> promised, int needed) {
    List<CompletableFuture<Boolean>> holding = new ArrayList<>();
    for (Answer a : promised) {
      if (a.node().equals(replicas.self()) || a.reply().position().equals(newest)) {
        holding.add(CompletableFuture.completedFuture(true));
        continue;
      }
      ReplicaSet.ReplicaNode node = replicas.nodes().get(a.node());
      if (node == null || node.ref() == null) {
        holding.add(CompletableFuture.completedFuture(false));
        continue;
      }
      holding.add(local.delta(list, a.reply().position())
          .thenComposeAsync(delta -> Stages.on(system.executionContext(), AskPattern.<Replica.Command, Replica.Reply>ask(node.ref(),
              r -> new Replica.StoreDelta(delta.toSend(system), epoch, r), settings.deadline(), system.scheduler())),
              system.executionContext())
          .thenApplyAsync(r -> {
            if (r.stored()) log.info("Brought the copy of {} on {} from {} to {}.", list, a.node(), a.reply().position(), newest);
            return r.stored();
          }, system.executionContext())
          .toCompletableFuture().exceptionally(failure -> false));
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    AtomicInteger yes = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    for (CompletableFuture<Boolean> h : holding) {
      h.thenAccept(ok -> {
        int held = ok ? yes.incrementAndGet() : yes.get();
        int done = answered.incrementAndGet();
        if (held >= needed) {
          result.complete(null);
        } else if (done == holding.size()) {
          result.complete("the copy of " + list + " this server starts from is on " + held + " of "
              + replicas.nodes().size() + " replicas, and a majority is " + needed
              + ". Bring the missing nodes back, or forget dead ones (todo forget DEAD --node LIVE).");
        }
      });
    }
    return result;
  }
}
