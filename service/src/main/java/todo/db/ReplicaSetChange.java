package todo.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import todo.store.Ballot;
import todo.store.Configuration;
import todo.store.Store;
import todo.Stages;

/**
 * Chooses the next version of the replica set (single-decree Paxos, one instance per
 * version): a ballot higher than any seen, promises from a majority of the voters (the
 * current set's nodes, less those an operator forgets), then the value they must accept:
 * a proposal one of them accepted already (the highest ballot's), else this one.
 *
 * <p>Before a change, a majority of the voters must have taken everything a majority of
 * them held since the current set was chosen (catch-up, reported as {@code pulledFrom}):
 * every write acknowledged under an older set is then on a majority of the current one,
 * so the next set, which overlaps the current one's majorities, still finds it. This is
 * the step Raft's log order gives it for free.
 */
final class ReplicaSetChange {

  static final String DONE = "done";
  private static final Duration ASK = Duration.ofSeconds(2);
  private static final int ATTEMPTS = 4;

  /** A change of the set: the next set made from the current one (empty: nothing to do). */
  interface Change {
    Optional<Configuration> next(Configuration current, Store store);

    /** Nodes of the current set that do not vote (forgotten ones). */
    default Set<String> notVoting() {
      return Set.of();
    }

    String describe();
  }

  static Change join(String node) {
    return new Change() {
      public Optional<Configuration> next(Configuration c, Store store) {
        return c.contains(node) ? Optional.empty() : Optional.of(c.with(node));
      }

      public String describe() {
        return "the addition of " + node;
      }
    };
  }

  static Change leave(String node) {
    return new Change() {
      public Optional<Configuration> next(Configuration c, Store store) {
        return !c.contains(node) || c.nodes().size() == 1 ? Optional.empty() : Optional.of(c.without(List.of(node)));
      }

      public String describe() {
        return "the removal of " + node;
      }
    };
  }

  static Change forget(List<String> nodes) {
    return new Change() {
      public Optional<Configuration> next(Configuration c, Store store) {
        return nodes.stream().noneMatch(c::contains) ? Optional.empty() : Optional.of(c.without(nodes));
      }

      public Set<String> notVoting() {
        return Set.copyOf(nodes);
      }

      public String describe() {
        return "forgetting " + String.join(", ", nodes);
      }
    };
  }

  /** Finishes the choice of a proposal this node accepted, whose proposer went silent. */
  static Change complete() {
    return new Change() {
      public Optional<Configuration> next(Configuration c, Store store) {
        Configuration accepted = store.replicaSet().accepted();
        return accepted == null || accepted.version() != c.version() + 1 ? Optional.empty() : Optional.of(accepted);
      }

      public String describe() {
        return "a change accepted before";
      }
    };
  }

  private final ReplicaSet set;
  private final ActorSystem<?> system;
  private final Executor executor;
  private final AtomicLong highestRound = new AtomicLong();

  ReplicaSetChange(ReplicaSet set, ActorSystem<?> system) {
    this.set = set;
    this.system = system;
    this.executor = system.dispatchers().lookup(DispatcherSelector.fromConfig("todo.db-dispatcher"));
  }

  /** Completes with {@link #DONE} once the change is chosen (or needs nothing), else with the reason. */
  CompletionStage<String> run(Change change) {
    return attempt(change, 1);
  }

  private CompletionStage<String> attempt(Change change, int attempt) {
    Configuration current = set.store().replicaSet().chosen();
    Optional<Configuration> target = change.next(current, set.store());
    if (target.isEmpty()) return CompletableFuture.completedFuture(DONE);
    List<String> voters = new ArrayList<>(current.nodes());
    voters.removeAll(change.notVoting());
    if (voters.isEmpty()) return CompletableFuture.completedFuture("no node would be left to vote");
    int majority = voters.size() / 2 + 1;
    Ballot ballot = new Ballot(Math.max(highestRound.get(), set.store().replicaSet().promised().round()) + 1, set.self());
    highestRound.accumulateAndGet(ballot.round(), Math::max);
    Map<String, ActorRef<ReplicaSetTracker.Command>> trackers = set.trackers(voters);

    return this.<ReplicaSetTracker.Promised>askAll(trackers, r -> new ReplicaSetTracker.PrepareNext(current.version() + 1, ballot, r)).thenComposeAsync(answers -> {
      List<ReplicaSetTracker.Promised> heard = answers.values().stream().filter(java.util.Objects::nonNull)
          .map(ReplicaSetTracker.Promised.class::cast).toList();
      heard.forEach(p -> highestRound.accumulateAndGet(p.promised().round(), Math::max));
      Optional<Configuration> newer = heard.stream().map(ReplicaSetTracker.Promised::chosen)
          .filter(c -> c.cluster().equals(current.cluster()) && c.version() > current.version())
          .max(Comparator.comparingLong(Configuration::version));
      if (newer.isPresent()) { // the set moved on: take it, and look again
        set.learnFrom(newer.get(), null);
        return again(change, attempt, "the replica set changed meanwhile");
      }
      for (ReplicaSetTracker.Promised p : heard) { // a voter behind: tell it the set this node knows
        if (p.chosen().version() < current.version()) set.tellBehindTracker(trackers.get(p.node()), current);
      }
      List<ReplicaSetTracker.Promised> granted = heard.stream()
          .filter(p -> p.chosen().version() == current.version() && p.promised().equals(ballot)).toList();
      if (granted.size() < majority) {
        List<String> silent = answers.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
        return again(change, attempt, "only " + granted.size() + " of " + voters.size() + " nodes of " + current
            + " answered and a majority is " + majority + (silent.isEmpty() ? "" : " (no answer from " + String.join(", ", silent) + ")"));
      }
      long synced = granted.stream().filter(p -> p.pulledFrom().stream().filter(voters::contains).count() >= majority).count();
      if (synced < majority) {
        return again(change, attempt, "waiting for a majority of " + current + " to catch up on the last change");
      }
      Configuration value = granted.stream().filter(p -> p.accepted() != null && p.accepted().version() == current.version() + 1)
          .max(Comparator.comparing(ReplicaSetTracker.Promised::acceptedBallot)).map(ReplicaSetTracker.Promised::accepted).orElse(target.get());
      return this.<ReplicaSetTracker.Accepted>askAll(trackers, r -> new ReplicaSetTracker.AcceptNext(value, ballot, r)).thenComposeAsync(accepts -> {
        long accepted = accepts.values().stream().filter(a -> a != null && ((ReplicaSetTracker.Accepted) a).accepted()).count();
        if (accepted < majority) return again(change, attempt, "only " + accepted + " of " + voters.size() + " nodes accepted");
        set.learnFrom(value, null); // chosen: this node first, then every member
        set.memberTrackers().forEach((node, t) -> {
          if (t != null) t.tell(new ReplicaSetTracker.Learn(value, set.self()));
        });
        return value.equals(target.get()) ? CompletableFuture.completedFuture(DONE)
            : attempt(change, 1); // it completed another node's change: now its own
      }, executor);
    }, executor);
  }

  private CompletionStage<String> again(Change change, int attempt, String why) {
    if (attempt >= ATTEMPTS) return CompletableFuture.completedFuture(why);
    long pause = 100L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextLong(100);
    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause,
            java.util.concurrent.TimeUnit.MILLISECONDS, executor))
        .thenComposeAsync(x -> attempt(change, attempt + 1), executor);
  }

  /** Asks each tracker; a missing tracker or no answer is null. */
  private <T> CompletionStage<Map<String, Object>> askAll(Map<String, ActorRef<ReplicaSetTracker.Command>> trackers,
                                                          java.util.function.Function<ActorRef<T>, ReplicaSetTracker.Command> message) {
    Map<String, CompletableFuture<Object>> asked = new LinkedHashMap<>();
    trackers.forEach((node, tracker) -> asked.put(node, tracker == null ? CompletableFuture.completedFuture(null)
        : Stages.on(executor, AskPattern.<ReplicaSetTracker.Command, T>ask(tracker, message::apply, ASK, system.scheduler()))
            .<Object>thenApply(a -> a).exceptionally(noAnswer -> null)));
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApplyAsync(all -> {
      Map<String, Object> answers = new LinkedHashMap<>();
      asked.forEach((node, f) -> answers.put(node, f.join()));
      return answers;
    }, executor);
  }
}
