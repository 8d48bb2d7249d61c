package todo.db;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import todo.list.TodoList;
import todo.store.Delta;
import todo.store.Stamped;
import todo.store.Store;

/**
 * A list as its one server holds it, and the way to store its next change on a majority:
 * what {@link Database#start} gives a list's server. The epoch the replicas promised, the
 * version of the replica set they promised it under and the epoch of the list's latest
 * change stay in here; the server sees the list, whether it takes writes (and why not),
 * and the outcome of each {@link #store}.
 *
 * <p>Immutable: a stored change gives the next one. Its server calls {@link #store} one
 * change at a time, and only on a list that takes writes.
 */
public final class ReplicatedList {

  /** What a server's start found: see {@link ListStart}. {@code staleBecause}: null when a majority holds {@code list}. */
  record Started(TodoList list, long epoch, long listEpoch, long replicaSet, String staleBecause,
                 List<Delta.Request> requests) {}

  /** The outcome of {@link #store}. */
  public sealed interface Result {}

  /** Stored on a majority under this epoch and replica set: {@code next} is the list with the change. */
  public record Acknowledged(ReplicatedList next) implements Result {}

  /**
   * Not acknowledged, for {@code reason}: the replica set changed since the list started, so
   * it started again under the new set ({@code fresh}). The change is made again there, once:
   * the request id it carried lets {@code fresh} recognise it if a majority stored it after all.
   */
  public record StartedAgain(String reason, ReplicatedList fresh) implements Result {}

  /**
   * Not acknowledged, for {@code reason}. While this node's disk refuses writes the list
   * serves reads on as {@code readOnly}; otherwise its server stops, so that its next start
   * reads what the replicas really hold.
   */
  public record NotStored(String reason, Optional<ReplicatedList> readOnly) implements Result {}

  private final ListStart starts;
  private final Replication replication;
  private final Store local;
  private final Executor executor;
  private final Started started;

  ReplicatedList(ListStart starts, Replication replication, Store local, Executor executor, Started started) {
    this.starts = starts;
    this.replication = replication;
    this.local = local;
    this.executor = executor;
    this.started = started;
  }

  public TodoList list() {
    return started.list();
  }

  /** Why the list takes no writes now (its copy may miss changes, or this node's disk refuses writes); empty while it takes them. */
  public Optional<String> readOnlyBecause() {
    return Optional.ofNullable(started.staleBecause());
  }

  /** The epoch of its server, for operators. */
  public long epoch() {
    return started.epoch();
  }

  /**
   * The latest client requests that made the list as it started, newest first: answered
   * again from the copy rather than applied twice. None while it is read-only: a copy that
   * a majority may not hold can carry a change that was never acknowledged. None after a
   * change either ({@link Acknowledged#next}): they are the start's, and its server has them.
   */
  public List<Delta.Request> requests() {
    return started.staleBecause() == null ? started.requests() : List.of();
  }

  /**
   * Stores {@code edit}'s change, named {@code request} (null: unnamed), on every replica,
   * stamped with this server's epoch, the epoch of the list's latest change and the replica
   * set's version. Acknowledged only once a majority committed it under that epoch and
   * version.
   */
  public CompletionStage<Result> store(TodoList.Edit edit, String request) {
    if (started.staleBecause() != null) {
      return CompletableFuture.completedFuture(new NotStored(started.staleBecause(), Optional.of(this)));
    }
    var change = new Stamped(edit.change().forRequest(request), started.epoch(), started.listEpoch(), 0, started.replicaSet());
    // Replication.store's stage is a plain CompletableFuture of its own, completed by the last
    // answer it counts: continuing on that thread costs the write no hop to another thread (a
    // list's writes go one at a time, so each hop adds to every write's turn).
    return replication.store(change).handle((done, failure) -> {
      if (failure == null) return CompletableFuture.<Result>completedFuture(new Acknowledged(next(edit.list())));
      String reason = Replication.reason(failure);
      if (ReplicaSetChanged.is(failure) && (request != null || ReplicaSetChanged.storedNowhere(failure))) {
        return startAgain().handleAsync((fresh, notStarted) -> notStarted == null ? new StartedAgain(reason, fresh)
            : notStored(Replication.reason(notStarted)), executor);
      }
      return CompletableFuture.completedFuture(notStored(reason));
    }).thenCompose(Function.identity());
  }

  /**
   * Starts the list again (a new epoch, the newest copy): to see whether a read-only list
   * takes writes again. While this node's disk refuses writes it stays read-only, serving
   * this copy, rather than failing.
   */
  public CompletionStage<ReplicatedList> startAgain() {
    return starts.start(list().name()).handleAsync((fresh, failure) -> {
      if (failure == null) return fresh;
      if (local.diskFault() == null) {
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
      }
      return readOnly(Replication.reason(failure));
    }, executor);
  }

  private Result notStored(String reason) {
    String diskFault = local.diskFault(); // this epoch writes no more: the next write starts the list afresh
    return new NotStored(reason, diskFault == null ? Optional.empty() : Optional.of(readOnly(diskFault)));
  }

  /** The list after a change: its server remembers the start's requests by now (they are for a start only). */
  private ReplicatedList next(TodoList list) {
    return new ReplicatedList(starts, replication, local, executor, new Started(list, started.epoch(), started.epoch(), started.replicaSet(),
        null, List.of()));
  }

  private ReplicatedList readOnly(String reason) {
    return new ReplicatedList(starts, replication, local, executor, new Started(started.list(), started.epoch(), started.listEpoch(),
        started.replicaSet(), reason, started.requests()));
  }
}
