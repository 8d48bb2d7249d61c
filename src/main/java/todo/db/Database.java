package todo.db;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import todo.list.Change;
import todo.list.TodoList;

/**
 * The book's {@code Todo.Database}: {@link #store} a change, {@link #storeLocal} it on this
 * node only, {@link #get} a list from this node's own copy.
 *
 * <p>Writes queue up for one writer that commits whatever has gathered in one
 * transaction (group commit), so many lists writing at once share a commit. A change is
 * acknowledged only once its transaction has committed, and by default
 * ({@code todo.db.synchronous = FULL}) that commit is synced to disk: the writes that queue
 * while one commit waits for its sync share the next. All SQLite work runs on the
 * {@code todo.db-dispatcher} threads, never on Pekko's default dispatcher.
 */
public final class Database {

  /** A {@link Stamped} change, a {@link SqliteStore.Pulled} delta or a {@link SqliteStore.Promise} on its way to the writer. */
  private record Write(Object update, CompletableFuture<SqliteStore.Result> done) {}

  private final String node;
  private final SqliteStore store;
  private final Executor blocking;
  private final BoundedSourceQueue<Write> writes;
  private final Replication replication;
  private final ListStart listStart;
  private final ReplicaSet replicaSet;
  /** Transactions the writer committed, and the writes they held: their ratio is the mean group commit. */
  private final io.micrometer.core.instrument.Counter commits;
  private final io.micrometer.core.instrument.Counter committedWrites;
  private final Disk disk;

  private Database(ActorSystem<?> system, String node, SqliteStore store, int queueSize, int maxBatch,
                   io.micrometer.core.instrument.MeterRegistry metrics) {
    this.node = node;
    this.store = store;
    this.disk = new Disk(node, store.file());
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("todo.db-dispatcher"));
    this.commits = metrics.counter("todo.store.commits");
    this.committedWrites = metrics.counter("todo.store.commit.writes");
    var queueAndDone =
        Source.<Write>queue(queueSize)
            .batch(maxBatch, first -> new ArrayList<>(List.of(first)), (batch, w) -> {
              batch.add(w);
              return batch;
            })
            .mapAsync(1, batch -> CompletableFuture.runAsync(() -> commit(batch), blocking))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.writes = queueAndDone.first();
    system.systemActorOf(Replica.create(this, node), Replica.NAME, org.apache.pekko.actor.typed.Props.empty());
    this.replicaSet = ReplicaSet.start(system, store, node);
    ReplicationSettings replicationSettings = ReplicationSettings.of(system);
    this.replication = new Replication(system, this, replicaSet, replicationSettings, metrics);
    this.listStart = new ListStart(system, this, replicaSet, replicationSettings);
    system.systemActorOf(CatchUp.create(system, this, replicaSet, metrics), CatchUp.NAME, org.apache.pekko.actor.typed.Props.empty());
    CompletionStage<Done> drained = queueAndDone.second();
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
          writes.complete();
          return drained.thenApplyAsync(d -> {
            store.close();
            return d;
          }, blocking);
        });
  }

  /**
   * Opens {@code <folder>/<node short name>/todo.db}: one folder per node, so nodes on one
   * machine never share a file (the book's {@code persist/node1/}).
   */
  public static Database open(ActorSystem<?> system, String node, Path folder,
                              io.micrometer.core.instrument.MeterRegistry metrics) {
    var config = system.settings().config().getConfig("todo.db");
    Path file = folder.resolve(node.split("@", 2)[0]).resolve("todo.db");
    String synchronous = synchronous(config.getString("synchronous"));
    try {
      SqliteStore store = new SqliteStore(file, config.getInt("read-connections"), synchronous);
      return new Database(system, node, store, config.getInt("queue-size"), config.getInt("max-batch"), metrics);
    } catch (SQLException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage());
    }
  }

  /**
   * {@code todo.db.synchronous}: FULL (every commit synced: what an acknowledgement promises
   * by default) or NORMAL (synced at checkpoints only). Checked here because SQLite takes
   * any other word silently as NORMAL, so a typo would quietly give up durability.
   */
  private static String synchronous(String setting) {
    String level = setting.trim().toUpperCase(java.util.Locale.ROOT);
    if (!level.equals("FULL") && !level.equals("NORMAL")) {
      throw new todo.node.BadSettings("todo.db.synchronous must be FULL or NORMAL, not '" + setting + "'");
    }
    return level;
  }

  /** The nodes every change must reach, as this node sees them now. */
  public ReplicaSet replicaSet() {
    return replicaSet;
  }

  public Path file() {
    return store.file();
  }

  /**
   * Stores {@code change} on every replica (the book's multicall of {@code store_local}).
   * Completes once committed on as many as {@code todo.replication.write-consistency}
   * asks (a majority by default); fails with the reason, naming the nodes, otherwise.
   */
  public CompletionStage<Done> store(Stamped change) {
    return replication.store(change);
  }

  /**
   * Starts the server of {@code list} on this node: a new epoch that the reachable replicas
   * promise to honour, and the newest copy among them, stored here first. What a list's
   * server starts from and stores its changes through, so a failover never serves a stale
   * copy; read-only, saying why, without promises from a majority.
   */
  public CompletionStage<ReplicatedList> start(String list) {
    return listStart.start(list);
  }

  /** Where each replica's copy of {@code list} stands (null: no answer), for operators. */
  public CompletionStage<Map<String, Position>> positions(String list) {
    return replication.positions(list);
  }

  /** The latest client requests that changed {@code list}, newest first. */
  CompletionStage<List<Delta.Request>> recentRequests(String list) {
    return read("list " + list, () -> store.recentRequests(list));
  }

  /**
   * Stores a change of the first epoch in this node's file only (tests, and a list's very
   * first server). Fails with a {@link StoreException} unless it is applied.
   */
  public CompletionStage<Done> storeLocal(Change change) {
    return apply(Stamped.first(change)).thenApply(r -> {
      if (!r.stored()) throw new StoreException("not stored on " + node + ": " + r.outcome() + " at " + r.position());
      return Done.getInstance();
    });
  }

  /** Stores {@code change} in this node's file; the result says whether it was applied, and why not. */
  CompletionStage<SqliteStore.Result> storeLocal(Stamped change) {
    return apply(change);
  }

  /**
   * Brings this node's copy of a list to {@code delta.to()}; {@code authority} is the epoch
   * of the server sending it, or -1 when this node pulled it.
   */
  CompletionStage<SqliteStore.Result> storeLocal(Delta delta, long authority) {
    return apply(new SqliteStore.Pulled(delta, authority));
  }

  /** Promises the server of {@code list} in {@code epoch} on {@code server} to take no older epoch's change. */
  CompletionStage<SqliteStore.Result> promise(String list, long epoch, String server, long replicaSet) {
    return apply(new SqliteStore.Promise(list, epoch, server, replicaSet));
  }

  private CompletionStage<SqliteStore.Result> apply(Object update) {
    return enqueue(new Write(update, new CompletableFuture<>()));
  }

  private CompletionStage<SqliteStore.Result> enqueue(Write write) {
    QueueOfferResult offered = writes.offer(write);
    if (!offered.equals(QueueOfferResult.enqueued())) {
      write.done.completeExceptionally(new StoreException("the store of " + node + " is overloaded or closed"));
    }
    return write.done;
  }

  /** The list as this node's file holds it (an empty list when never stored). */
  public CompletionStage<TodoList> get(String list) {
    return read("list " + list, () -> store.load(list));
  }

  /** What a copy of {@code list} at {@code since} lacks of this node's: a delta, or a snapshot. */
  public CompletionStage<Delta> delta(String list, Position since) {
    return read("list " + list, () -> store.delta(list, since));
  }

  /** How many lists this node's file holds. */
  public CompletionStage<Long> listCount() {
    return read("the lists", () -> store.listCount());
  }

  /** Where this node's copy of {@code list} stands. */
  public CompletionStage<Position> position(String list) {
    return read("list " + list, () -> store.position(list));
  }

  /** Where this node's copies of {@code lists} stand. */
  CompletionStage<Map<String, Position>> positionsOf(java.util.Collection<String> lists) {
    return read("the lists", () -> store.positionsOf(lists));
  }

  /** The newest epoch this node promised for {@code list} (0 when none). */
  CompletionStage<Long> promisedEpoch(String list) {
    return read("list " + list, () -> store.promised(list));
  }

  /** A page of this node's lists by name, after {@code after}, with their positions. */
  CompletionStage<java.util.SortedMap<String, Position>> positionsAfter(String after, int limit) {
    return read("the lists", () -> store.positions(after, limit));
  }

  private interface Query<T> {
    T run() throws SQLException;
  }

  /**
   * Why this node's disk refuses writes now (it is full, or failing), or null while it takes
   * them. The first batch that commits again clears it: no restart needed.
   */
  public String diskFault() {
    return disk.fault();
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

  /**
   * Runs on the database dispatcher; never throws, so the write stream never dies. A batch
   * commits whole or not at all (see {@link SqliteStore#apply}).
   */
  private void commit(List<Write> batch) {
    List<Object> updates = new ArrayList<>(batch.size());
    for (Write w : batch) updates.add(w.update);
    try {
      List<SqliteStore.Result> results = store.apply(updates);
      commits.increment();
      committedWrites.increment(batch.size());
      disk.committed(updates, results);
      for (int i = 0; i < batch.size(); i++) batch.get(i).done.complete(results.get(i));
    } catch (SQLException | RuntimeException e) {
      StoreException failure = new StoreException(disk.failed(e, batch.size()));
      for (Write w : batch) w.done.completeExceptionally(failure);
    }
  }
}
