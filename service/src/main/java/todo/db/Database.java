package todo.db;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import todo.list.Change;
import todo.list.TodoList;
import todo.store.Backup;
import todo.store.Delta;
import todo.store.Position;
import todo.store.Stamped;
import todo.store.Store;
import todo.store.StoreException;

/**
 * The book's {@code Todo.Database}, cluster-wide: {@link #store} a change on every replica,
 * {@link #start} a list's server, {@link #get} a list from this node's own copy. It only
 * delegates downward: to {@link Replication} and the {@link ReplicaSet} for the cluster, to
 * this node's {@link Store} for its file.
 */
public final class Database {

  private final Store store;
  private final ReplicaSet replicaSet;
  private final Replication replication;
  private final ListStart listStart;

  private Database(Store store, ReplicaSet replicaSet, Replication replication, ListStart listStart) {
    this.store = store;
    this.replicaSet = replicaSet;
    this.replication = replication;
    this.listStart = listStart;
  }

  /**
   * Wires a node's database from the bottom up: this node's store first, then the replica
   * set (its view and tracker), replication, a list server's start, the replica that answers
   * the other nodes, and catch-up, each given the store and what it needs of the layer beside it.
   */
  public static Database open(ActorSystem<?> system, String node, Path folder, DatabaseSettings settings,
                              MeterRegistry metrics) {
    Store store = Store.open(system, node, folder, settings.store(), metrics);
    ReplicaSet replicaSet = ReplicaSet.start(system, store, node);
    Replication replication = new Replication(system, store, replicaSet, settings.replication(), metrics);
    Promises promises = new Promises(system, node, settings.replication().attemptTimeout(), metrics);
    ListStart listStart = new ListStart(system, store, replicaSet, replication, settings.replication(), promises);
    system.systemActorOf(Replica.create(store, node), Replica.NAME, Props.empty());
    system.systemActorOf(CatchUp.create(system, store, replicaSet, settings.catchUp(), metrics), CatchUp.NAME, Props.empty());
    return new Database(store, replicaSet, replication, listStart);
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

  /**
   * Stores a change of the first epoch in this node's file only, the book's
   * {@code store_local} (tests). Fails with a {@link StoreException} unless it is applied.
   */
  public CompletionStage<Done> storeLocal(Change change) {
    return store.applyChange(Stamped.first(change)).thenApply(r -> {
      if (!r.stored()) throw new StoreException("not stored on " + store.node() + ": " + r.outcome() + " at " + r.position());
      return Done.getInstance();
    });
  }

  /** The list as this node's file holds it (an empty list when never stored). */
  public CompletionStage<TodoList> get(String list) {
    return store.get(list);
  }

  /** What a copy of {@code list} at {@code since} lacks of this node's: a delta, or a snapshot. */
  public CompletionStage<Delta> delta(String list, Position since) {
    return store.delta(list, since);
  }

  /**
   * Names of the lists this node's file holds, a page at a time: up to {@code limit} in
   * ascending order after {@code after} ("" from the start), only those containing
   * {@code containing} ignoring case when it is not null. Every node holds every list it
   * has caught up on, so any node can answer for the cluster.
   */
  public CompletionStage<List<String>> listNames(String after, int limit, String containing) {
    return store.listNames(after, limit, containing);
  }

  /** How many lists this node's file holds. */
  public CompletionStage<Long> listCount() {
    return store.listCount();
  }

  /** Where this node's copy of {@code list} stands. */
  public CompletionStage<Position> position(String list) {
    return store.position(list);
  }

  /** A backup of this node's file taken now, while it serves: see {@link Store#backup}; {@link #discard} it once sent. */
  public CompletionStage<Backup> backup() {
    return store.backup();
  }

  /** Removes a backup's copy once it has been sent. */
  public void discard(Backup backup) {
    store.discard(backup);
  }

  /** Writes waiting for this node's store to commit them. */
  public int queuedWrites() {
    return store.queuedWrites();
  }

  /** Why this node's store cannot take writes now (closed, its disk full or failing), or null while it can. */
  public String storeProblem() {
    if (!store.isOpen()) return "the store of " + store.node() + " is closed";
    return store.diskFault();
  }

  /** Why this node's disk refuses writes now (full, or failing), or null while it takes them. */
  public String diskFault() {
    return store.diskFault();
  }
}
