package todo.db;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.Stages;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Result;
import todo.store.Store;

/**
 * One catch-up pass over several peers at once. It compares this node's positions with each
 * peer's, a page of lists per ask, and takes every list that is behind here from a peer that
 * holds its newest position, spreading the lists over the peers that do. From each peer it
 * asks many lists' deltas per message ({@link Replica.GetDeltas}), {@code pipeline} asks on
 * their way at once, and writes what came in as one store write per batch of up to
 * {@code writeChanges} changes (one transaction, one synced commit), one write at a time:
 * live changes wait behind one catch-up write at most. {@code maxRate}, when set, caps the
 * changes taken per second.
 *
 * <p>A delta only ever moves a copy forward (the store checks it, as for any pulled delta),
 * so the order in which lists or peers come in does not matter.
 */
final class CatchUpPass {

  private static final Logger log = LoggerFactory.getLogger(CatchUp.class); // its lines are catch-up's
  /**
   * Lists go to a peer in asks of about this many changes (by their versions). The peer
   * answers as many lists as fit in a message (about 4,400 changes of short entries, at 37
   * bytes each: {@link DeltasSerializer}) and this node asks again for the rest, so a
   * bigger ask saves nothing.
   */
  private static final long ASK_CHANGES = 4_000;

  /** What one pass did. */
  record Stats(int compared, int behind, int taken, long changes, int failed, long nanos) {}

  /** A pass's end: what it did, and the peers it took everything from (every list they held further on was taken). */
  record Report(Stats stats, Set<String> complete) {}

  /** What the pass counts, kept by {@link CatchUp} across passes (its metrics). */
  record Meters(AtomicLong behind, Counter lists, Counter changes, Counter asks, Counter writes) {}

  /**
   * A list behind here: {@code newest} is the furthest position a peer holds, {@code holders}
   * the peers that hold it, {@code ahead} every peer that holds one further than {@code mine}.
   */
  private record Behind(String list, Position mine, Position newest, List<String> holders, Set<String> ahead) {

    /** The same list as another peer sees it: the newest position of the two, and who holds it. */
    Behind with(Behind other) {
      Set<String> all = new HashSet<>(ahead);
      all.addAll(other.ahead);
      int order = newest.compareTo(other.newest);
      if (order > 0) return new Behind(list, mine, newest, holders, all);
      if (order < 0) return new Behind(list, mine, other.newest, other.holders, all);
      List<String> both = new ArrayList<>(holders);
      both.addAll(other.holders);
      return new Behind(list, mine, newest, both, all);
    }

    /** About how many changes it lacks (a copy off the newest one's history gets the whole list). */
    long weight() {
      return Math.max(1, newest.version() > mine.version() ? newest.version() - mine.version() : newest.version());
    }
  }

  private record Ahead(Position mine, Position theirs) {}

  private record Compared(String peer, int lists, SortedMap<String, Ahead> ahead) {}

  /** A list and the delta its peer sent for it. */
  private record Pull(Behind list, Delta delta) {}

  /** What one or more asks to a peer brought: deltas, and the lists that could not be had. */
  private record Fetched(List<Pull> pulls, List<Behind> failed) {
    Fetched plus(Fetched more) {
      List<Pull> p = new ArrayList<>(pulls);
      p.addAll(more.pulls);
      List<Behind> f = new ArrayList<>(failed);
      f.addAll(more.failed);
      return new Fetched(p, f);
    }

    long changes() {
      long n = 0;
      for (Pull p : pulls) n += Math.max(1, p.delta().to().version() - p.delta().from().version());
      return n;
    }
  }

  private final ActorSystem<?> system;
  private final Executor executor;
  private final Store local;
  private final CatchUpSettings settings;
  private final Meters meters;

  CatchUpPass(ActorSystem<?> system, Store local, CatchUpSettings settings, Meters meters) {
    this.system = system;
    this.executor = system.executionContext();
    this.local = local;
    this.settings = settings;
    this.meters = meters;
  }

  /** Compares every list with each of {@code peers}, then takes what is behind here. */
  CompletionStage<Report> run(List<ReplicaSet.ReplicaNode> peers) {
    long started = System.nanoTime();
    List<CompletableFuture<Compared>> compared = new ArrayList<>();
    for (ReplicaSet.ReplicaNode peer : peers) {
      compared.add(compare(peer, "", new Compared(peer.name(), 0, new TreeMap<>())).exceptionally(failure -> {
        log.warn("Catch-up could not compare with {}: {} (it is tried again).", peer.name(), Replication.reason(failure));
        return null;
      }));
    }
    return CompletableFuture.allOf(compared.toArray(CompletableFuture[]::new)).thenComposeAsync(all -> {
      List<Compared> answered = compared.stream().map(CompletableFuture::join).filter(c -> c != null).toList();
      return pull(peers, answered, started);
    }, executor);
  }

  private CompletableFuture<Compared> compare(ReplicaSet.ReplicaNode peer, String after, Compared sofar) {
    return Stages.on(executor, AskPattern.<Replica.Command, Replica.Positions>ask(peer.ref(),
        r -> new Replica.GetPositions(after, settings.page(), r), settings.timeout(), system.scheduler())).thenComposeAsync(answer -> {
          SortedMap<String, Position> theirs = answer.lists();
          if (theirs.isEmpty()) return CompletableFuture.completedFuture(sofar);
          return local.positionsOf(theirs.keySet()).thenCompose(mine -> {
            theirs.forEach((list, position) -> {
              if (position.isAfter(mine.get(list))) sofar.ahead().put(list, new Ahead(mine.get(list), position));
            });
            return compare(peer, theirs.lastKey(), new Compared(peer.name(), sofar.lists() + theirs.size(), sofar.ahead()));
          });
        }, executor);
  }

  private CompletionStage<Report> pull(List<ReplicaSet.ReplicaNode> peers, List<Compared> answered, long started) {
    Set<String> complete = new HashSet<>();
    TreeMap<String, Behind> behind = new TreeMap<>();
    int lists = 0;
    for (Compared c : answered) {
      complete.add(c.peer());
      lists = Math.max(lists, c.lists());
      c.ahead().forEach((list, a) -> behind.merge(list, new Behind(list, a.mine(), a.theirs(), List.of(c.peer()),
          Set.of(c.peer())), Behind::with));
    }
    if (behind.isEmpty()) return CompletableFuture.completedFuture(new Report(new Stats(lists, 0, 0, 0, 0, System.nanoTime() - started), complete));
    Map<String, List<Behind>> assigned = assign(behind.values());
    log.info("Catching up from {}: {} of {} lists are behind here (about {} changes).", assigned.keySet(), behind.size(), lists,
        behind.values().stream().mapToLong(Behind::weight).sum());
    meters.behind().addAndGet(behind.size());
    Tally tally = new Tally(assigned.keySet(), behind.size(), lists, started, complete);

    Map<String, ReplicaSet.ReplicaNode> byName = new HashMap<>();
    for (ReplicaSet.ReplicaNode p : peers) byName.put(p.name(), p);
    List<Source<Fetched, NotUsed>> fromEach = new ArrayList<>();
    assigned.forEach((peer, itsLists) -> fromEach.add(Source.from(itsLists)
        .groupedWeighted(ASK_CHANGES, Behind::weight)
        .mapAsync(settings.pipeline(), group -> fetch(byName.get(peer), group))));
    Source<Fetched, NotUsed> fetched = Source.from(fromEach).flatMapMerge(fromEach.size(), s -> s);
    if (settings.maxRate() > 0) {
      fetched = fetched.throttle(settings.maxRate(), Duration.ofSeconds(1), settings.maxRate(),
          f -> (int) Math.min(Integer.MAX_VALUE, f.changes()), ThrottleMode.shaping());
    }
    return Stages.on(executor, fetched
            .batchWeighted(settings.writeChanges(), Fetched::changes, f -> f, Fetched::plus)
            .mapAsync(1, this::write)
            .runWith(Sink.foreach(tally::count), system))
        .handle((done, failure) -> {
          meters.behind().addAndGet(-tally.left());
          if (failure != null) throw new java.util.concurrent.CompletionException(failure);
          return tally.report();
        });
  }

  /** Each list to one of the peers that hold its newest position: the one given the fewest changes so far. */
  private static Map<String, List<Behind>> assign(Collection<Behind> lists) {
    Map<String, List<Behind>> byPeer = new LinkedHashMap<>();
    Map<String, Long> load = new HashMap<>();
    for (Behind b : lists) {
      String peer = b.holders().stream().min(Comparator.comparingLong(p -> load.getOrDefault(p, 0L))).orElseThrow();
      load.merge(peer, b.weight(), Long::sum);
      byPeer.computeIfAbsent(peer, p -> new ArrayList<>()).add(b);
    }
    return byPeer;
  }

  /** The deltas of {@code group} from {@code peer}: one ask, and more for the lists its answer had no room for. */
  private CompletionStage<Fetched> fetch(ReplicaSet.ReplicaNode peer, List<Behind> group) {
    SortedMap<String, Position> since = new TreeMap<>();
    for (Behind b : group) since.put(b.list(), b.mine());
    meters.asks().increment();
    return Stages.on(executor, AskPattern.<Replica.Command, Replica.Deltas>ask(peer.ref(),
            r -> new Replica.GetDeltas(since, r), settings.timeout(), system.scheduler()))
        .thenComposeAsync(answer -> received(answer.deltas()), executor)
        .thenComposeAsync(deltas -> {
          Map<String, Delta> byList = new HashMap<>();
          for (Delta d : deltas) byList.put(d.list(), d);
          List<Pull> pulls = new ArrayList<>();
          List<Behind> rest = new ArrayList<>();
          for (Behind b : group) {
            Delta d = byList.get(b.list());
            if (d != null) pulls.add(new Pull(b, d));
            else rest.add(b);
          }
          if (pulls.isEmpty()) throw new IllegalStateException(peer.name() + " sent none of " + group.size() + " lists");
          Fetched got = new Fetched(pulls, List.of());
          return rest.isEmpty() ? CompletableFuture.completedFuture(got) : fetch(peer, rest).thenApply(got::plus);
        }, executor)
        .exceptionally(failure -> {
          log.debug("Could not take {} lists from {}: {}", group.size(), peer.name(), Replication.reason(failure));
          return new Fetched(List.of(), group);
        });
  }

  /** {@code deltas} with every row at hand (a big one's rows come in a stream). */
  private CompletionStage<List<Delta>> received(List<Delta> deltas) {
    List<CompletableFuture<Delta>> all = new ArrayList<>();
    for (Delta d : deltas) all.add(d.received(system).toCompletableFuture());
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(done -> all.stream().map(CompletableFuture::join).toList());
  }

  /** One batch's deltas in one store write; the results, or the failure, for every list of it. */
  private CompletionStage<Written> write(Fetched batch) {
    if (batch.pulls().isEmpty()) return CompletableFuture.completedFuture(new Written(batch, List.of(), null));
    meters.writes().increment();
    return local.applyDeltas(batch.pulls().stream().map(Pull::delta).toList())
        .handle((results, failure) -> new Written(batch, results, failure));
  }

  private record Written(Fetched batch, List<Result> results, Throwable failure) {}

  /** What the pass took so far; only the stream's last stage, one element at a time, counts into it. */
  private final class Tally {
    private final Set<String> peers;
    private final int behind;
    private final int compared;
    private final long started;
    private final Set<String> complete;
    private int taken;
    private int failed;
    private int seen;
    private long changes;
    private long lastLine = System.nanoTime();

    Tally(Set<String> peers, int behind, int compared, long started, Set<String> complete) {
      this.peers = peers;
      this.behind = behind;
      this.compared = compared;
      this.started = started;
      this.complete = complete;
    }

    void count(Written w) {
      for (Behind b : w.batch().failed()) fail(b);
      List<Pull> pulls = w.batch().pulls();
      for (int i = 0; i < pulls.size(); i++) {
        Behind b = pulls.get(i).list();
        if (w.failure() != null) {
          fail(b);
          continue;
        }
        seen++;
        Result r = w.results().get(i);
        if (r.outcome() != Outcome.APPLIED) continue; // already here, or this copy moved on meanwhile
        long n = Math.max(0, r.position().version() - b.mine().version());
        taken++;
        changes += n;
        meters.lists().increment();
        meters.changes().increment(n);
      }
      meters.behind().addAndGet(-(w.batch().failed().size() + pulls.size()));
      if (System.nanoTime() - lastLine > Duration.ofSeconds(5).toNanos()) {
        lastLine = System.nanoTime();
        log.info("Catching up from {}: {} of {} lists taken ({} changes).", peers, taken, behind, changes);
      }
    }

    private void fail(Behind b) {
      seen++;
      failed++;
      complete.removeAll(b.ahead());
      if (failed == 1) log.warn("Catch-up could not take {} (and maybe more) from {}: tried again at the next pass.", b.list(), b.holders());
    }

    /** Lists counted into the gauge of lists behind and not yet out of it. */
    long left() {
      return behind - seen;
    }

    Report report() {
      return new Report(new Stats(compared, behind, taken, changes, failed, System.nanoTime() - started), complete);
    }
  }
}
