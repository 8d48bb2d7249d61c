package todo.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.ToIntFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import todo.list.TodoList;

/**
 * This node's SQLite file, the book's {@code DatabaseWorker}: it applies changes, deltas
 * and promises to the copies of lists it holds, and reads them. It knows nothing of the
 * other nodes: the cluster layer above calls it, never the other way.
 *
 * <p>Writes queue up for one writer that commits whatever has gathered in one transaction
 * (group commit), so many lists writing at once share a commit. A write completes only once
 * its transaction has committed, and by default ({@code todo.db.synchronous = FULL}) that
 * commit is synced to disk: the writes that queue while one commit waits for its sync share
 * the next. All SQLite work runs on the {@code todo.db-dispatcher} threads, never on Pekko's
 * default dispatcher.
 */
public final class Store {

  /** The version of the schema this build reads and writes ({@code PRAGMA user_version}); an older file is migrated to it at open. */
  public static final int SCHEMA_VERSION = Schema.VERSION;

  /** A {@link Stamped} change, a {@link Pulled} delta or a {@link Promise} on its way to the writer. */
  private record Write(Object update, CompletableFuture<Result> done) {}

  private final String node;
  private final SqliteFile file;
  private final Executor blocking;
  private final BoundedSourceQueue<Write> writes;
  /** Transactions the writer committed, and the writes they held: their ratio is the mean group commit. */
  private final Counter commits;
  private final Counter committedWrites;
  /** The writes each batch held: how well group commit works, as a distribution. */
  private final DistributionSummary batchSizes;
  private final Disk disk;
  private volatile boolean open = true;

  private Store(ActorSystem<?> system, String node, SqliteFile file, StoreSettings settings, MeterRegistry metrics) {
    this.node = node;
    this.file = file;
    this.disk = new Disk(node, file.file());
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("todo.db-dispatcher"));
    this.commits = Counter.builder("todo.store.commits")
        .description("Transactions this node's store committed (each synced to disk by default)").register(metrics);
    this.committedWrites = Counter.builder("todo.store.commit.writes")
        .description("Writes (changes, deltas, promises) the committed transactions held").register(metrics);
    this.batchSizes = DistributionSummary.builder("todo.store.batch.size").baseUnit("writes")
        .description("Writes per committed transaction (group commit), as a histogram")
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500).register(metrics);
    var queueAndDone =
        Source.<Write>queue(settings.queueSize())
            .batch(settings.maxBatch(), first -> new ArrayList<>(List.of(first)), (batch, w) -> {
              batch.add(w);
              return batch;
            })
            .mapAsync(1, batch -> CompletableFuture.runAsync(() -> commit(batch), blocking))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.writes = queueAndDone.first();
    CompletionStage<Done> drained = queueAndDone.second();
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
          writes.complete();
          return drained.thenApplyAsync(d -> {
            open = false;
            file.close();
            return d;
          }, blocking);
        });
  }

  /**
   * Opens {@code <folder>/<node short name>/todo.db}: one folder per node, so nodes on one
   * machine never share a file (the book's {@code persist/node1/}). It closes when the actor
   * system shuts down, once the writes queued before have committed.
   */
  public static Store open(ActorSystem<?> system, String node, Path folder, StoreSettings settings, MeterRegistry metrics) {
    Path path = folder.resolve(node.split("@", 2)[0]).resolve("todo.db");
    Backup.removeLeftovers(path.getParent());
    try {
      return new Store(system, node, new SqliteFile(path, settings.readConnections(), settings.synchronous()), settings, metrics);
    } catch (SQLException e) {
      throw new StoreException("cannot open " + path + ": " + e.getMessage());
    }
  }

  /** The node whose file this is. */
  public String node() {
    return node;
  }

  public Path file() {
    return file.file();
  }

  // ---- writes: each completes once committed; the result says whether it was applied, and why not

  /** Applies a change of a list's server on top of this copy, only if it extends it (see {@link Stamped}). */
  public CompletionStage<Result> applyChange(Stamped change) {
    return enqueue(change);
  }

  /** Brings this copy to {@code delta.to()}; {@code authority}: the sending server's epoch, -1 when this node pulled it. */
  public CompletionStage<Result> applyDelta(Delta delta, long authority) {
    return enqueue(new Pulled(delta, authority));
  }

  /**
   * Brings each copy to its delta's {@code to()}, as {@link #applyDelta} pulled by this node
   * does, all in one write: one transaction, one synced commit (catch-up's batch). The
   * results are the deltas', in order.
   */
  public CompletionStage<List<Result>> applyDeltas(List<Delta> deltas) {
    PulledPage page = new PulledPage(deltas);
    return enqueue(page).thenApply(r -> page.results());
  }

  /** Promises the server of {@code list} in {@code epoch} on {@code server} to take no older epoch's change. */
  public CompletionStage<Result> promise(String list, long epoch, String server, long replicaSet) {
    return enqueue(new Promise(list, epoch, server, replicaSet));
  }

  /**
   * Promises the servers on {@code server} of several lists at once, each the epoch
   * {@code epochs} gives it, under the same rule as {@link #promise}: offered to the writer
   * together, so that they share a commit and its sync. Completes once all committed, with
   * each list's result; fails if any could not be written (then none counts as promised).
   */
  public CompletionStage<Map<String, Result>> promiseAll(Map<String, Long> epochs, String server, long replicaSet) {
    Map<String, CompletableFuture<Result>> written = new LinkedHashMap<>();
    epochs.forEach((list, epoch) -> written.put(list, enqueue(new Promise(list, epoch, server, replicaSet)).toCompletableFuture()));
    return CompletableFuture.allOf(written.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
      Map<String, Result> results = new LinkedHashMap<>();
      written.forEach((list, result) -> results.put(list, result.join()));
      return results;
    });
  }

  private CompletionStage<Result> enqueue(Object update) {
    Write write = new Write(update, new CompletableFuture<>());
    QueueOfferResult offered = writes.offer(write);
    if (!offered.equals(QueueOfferResult.enqueued())) {
      write.done.completeExceptionally(new StoreException("the store of " + node + " is overloaded or closed"));
    }
    return write.done;
  }

  /**
   * Runs on the database dispatcher; never throws, so the write stream never dies. A batch
   * commits whole or not at all (see {@link SqliteFile#apply}).
   */
  private void commit(List<Write> batch) {
    List<Object> updates = new ArrayList<>(batch.size());
    for (Write w : batch) updates.add(w.update);
    try {
      List<Result> results = file.apply(updates);
      commits.increment();
      committedWrites.increment(batch.size());
      batchSizes.record(batch.size());
      disk.committed(updates, results);
      for (int i = 0; i < batch.size(); i++) batch.get(i).done.complete(results.get(i));
    } catch (SQLException | RuntimeException e) {
      StoreException failure = new StoreException(disk.failed(e, batch.size()));
      for (Write w : batch) w.done.completeExceptionally(failure);
    }
  }

  /** Writes waiting for the writer now (a batch being committed not counted). */
  public int queuedWrites() {
    return writes.size();
  }

  /** False once the store has closed (the node is stopping). */
  public boolean isOpen() {
    return open;
  }

  /**
   * Why this node's disk refuses writes now (it is full, or failing), or null while it takes
   * them. The first batch that commits again clears it: no restart needed.
   */
  public String diskFault() {
    return disk.fault();
  }

  // ---- reads, on the database's threads

  /** The list as this node's file holds it (an empty list when never stored). */
  public CompletionStage<TodoList> get(String list) {
    return read("list " + list, () -> file.load(list));
  }

  /** What a copy of {@code list} at {@code since} lacks of this node's: a delta, or a snapshot. */
  public CompletionStage<Delta> delta(String list, Position since) {
    return read("list " + list, () -> file.delta(list, since));
  }

  /**
   * What copies at {@code since} lack of this node's, list by list in name order: the
   * deltas of the first lists, as many as fit in {@code maxBytes} by {@code bytes} (their
   * size on the wire, which the caller knows; at least one), read at one moment.
   */
  public CompletionStage<List<Delta>> deltas(SortedMap<String, Position> since, ToIntFunction<Delta> bytes, int maxBytes) {
    return read("the lists", () -> file.deltas(since, bytes, maxBytes));
  }

  /** The latest client requests that changed {@code list}, newest first. */
  public CompletionStage<List<Delta.Request>> recentRequests(String list) {
    return read("list " + list, () -> file.recentRequests(list));
  }

  /** How many lists this node's file holds. */
  public CompletionStage<Long> listCount() {
    return read("the lists", file::listCount);
  }

  /** Where this node's copy of {@code list} stands. */
  public CompletionStage<Position> position(String list) {
    return read("list " + list, () -> file.position(list));
  }

  /** Where this node's copies of {@code lists} stand. */
  public CompletionStage<Map<String, Position>> positionsOf(Collection<String> lists) {
    return read("the lists", () -> file.positionsOf(lists));
  }

  /** The newest epoch this node promised for {@code list} (0 when none). */
  public CompletionStage<Long> promisedEpoch(String list) {
    return read("list " + list, () -> file.promised(list));
  }

  /** A page of this node's lists by name, after {@code after}, with their positions. */
  public CompletionStage<SortedMap<String, Position>> positionsAfter(String after, int limit) {
    return read("the lists", () -> file.positions(after, limit));
  }

  /**
   * Up to {@code limit} names of the lists this file holds (written at least once), in
   * ascending order after {@code after} ("" from the start), only those that contain
   * {@code containing} ignoring case when it is not null. Read along the names' index.
   */
  public CompletionStage<List<String>> listNames(String after, int limit, String containing) {
    return read("the lists", () -> file.names(after, limit, containing));
  }

  /**
   * A copy of this node's file taken now, while it serves ({@link Backup#take}): every change
   * committed when it began. The caller sends it, then {@link #discard}s it.
   */
  public CompletionStage<Backup> backup() {
    return read("the file for a backup", () -> Backup.take(file.file()));
  }

  /** Removes a backup's copy, on the database's threads. */
  public void discard(Backup backup) {
    blocking.execute(backup::delete);
  }

  private interface Query<T> {
    T run() throws SQLException;
  }

  /** Runs a read on the database's threads; a failure becomes a StoreException naming this node. */
  private <T> CompletionStage<T> read(String what, Query<T> query) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return query.run();
      } catch (SQLException e) {
        throw new StoreException("cannot read " + what + " on " + node + ": " + disk.describe(e).orElse(e.getMessage()));
      }
    }, blocking);
  }

  // ---- the replica set's acceptor row. Blocking: call these on the database dispatcher.
  // Each commits before it returns, under the lock the writer holds for a batch of changes.

  /** The replica set as this file holds it. */
  public Acceptor replicaSet() {
    return file.replicaSet();
  }

  /** Promises {@code ballot} for the version after the chosen one, unless a higher ballot was promised: the state after. */
  public Acceptor promiseReplicaSet(long version, Ballot ballot) throws SQLException {
    return file.promiseReplicaSet(version, ballot);
  }

  /** Accepts {@code proposal} unless a higher ballot was promised: true when accepted. */
  public boolean acceptReplicaSet(Configuration proposal, Ballot ballot) throws SQLException {
    return file.acceptReplicaSet(proposal, ballot);
  }

  /** Takes {@code chosen} as the replica set when it is newer than this file's: true when it was. */
  public boolean learnReplicaSet(Configuration chosen) throws SQLException {
    return file.learnReplicaSet(chosen);
  }
}
