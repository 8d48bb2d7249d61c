package todo.db;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import todo.CborSerializable;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Result;
import todo.store.Stamped;
import todo.store.Store;

/**
 * This node's copy of every list, as other nodes reach it: the remote half of
 * {@code Database.store} ({@code store_local} called from another node, as the book's
 * {@code :rpc.multicall} does), of a server's start (promises, newest copy) and of
 * catch-up. One per node, at {@code /system/replica}.
 */
public final class Replica {

  public static final String NAME = "replica";

  /**
   * What one message between replicas carries at most: a batch of changes
   * ({@link ChangeBatches}), several lists' deltas in a catch-up answer ({@link DeltasSerializer});
   * well within Artery's 256 KiB frame. A delta bigger than this travels alone, its rows in a
   * stream ({@link todo.store.Delta#toSend}).
   */
  static final int MESSAGE_BYTES = 160 * 1024;

  public sealed interface Command extends CborSerializable {}

  /**
   * Changes of this node's list servers, in the order they were made ({@link ChangeBatches}):
   * offered to the store together, so that they share a commit and its sync.
   */
  public record StoreChanges(List<Stamped> changes, ActorRef<Stored> replyTo) implements Command {}

  /** The answer to a {@link StoreChanges}: a reply for each of its changes, in their order. */
  public record Stored(List<Reply> replies) implements CborSerializable {}

  /** {@code authority}: the epoch of the server sending it. */
  public record StoreDelta(Delta delta, long authority, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Servers of several lists starting on node {@code server}, each in the epoch
   * {@code epochs} gives it, under version {@code replicaSet} of the replica set: promise
   * each, in one write, and say where each copy is (see {@link Promises}).
   */
  public record Prepare(Map<String, Long> epochs, String server, long replicaSet, ActorRef<Prepared> replyTo)
      implements Command {}

  /** The answer to a {@link Prepare}: a reply for each of its lists. */
  public record Prepared(Map<String, Reply> replies) implements CborSerializable {}

  public record GetPosition(String list, ActorRef<Reply> replyTo) implements Command {}

  public record GetDelta(String list, Position since, ActorRef<Delta> replyTo) implements Command {}

  /**
   * Catch-up's ask: what copies at {@code since} lack, list by list. The answer holds the
   * deltas of the first lists, as many as fit in one message; the asker asks again for the rest.
   */
  public record GetDeltas(SortedMap<String, Position> since, ActorRef<Deltas> replyTo) implements Command {}

  /**
   * Deltas in the order of the ask, at least one; a lone delta too big for a message has its
   * rows in a stream. On the wire in a compact form of its own ({@link DeltasSerializer}).
   */
  public record Deltas(List<Delta> deltas) {}

  /** A page of the lists this node holds, by name after {@code after}. */
  public record GetPositions(String after, int limit, ActorRef<Positions> replyTo) implements Command {}

  public record Positions(String node, SortedMap<String, Position> lists) implements CborSerializable {}

  /**
   * What the request did ({@code outcome}; null for a question, or when the store failed:
   * see {@code problem})
   * and where this node's copy stands after it; {@code promised}: the newest epoch it
   * promised for the list; {@code replicaSet}: the version of this node's replica set, when
   * it refused a change or a promise made under another ({@link Outcome#OTHER_REPLICA_SET}).
   */
  public record Reply(String node, Outcome outcome, Position position, long promised, String problem, long replicaSet)
      implements CborSerializable {
    public Reply(String node, Outcome outcome, Position position, long promised, String problem) {
      this(node, outcome, position, promised, problem, 0);
    }

    public boolean stored() {
      return outcome == Outcome.APPLIED || outcome == Outcome.ALREADY_APPLIED;
    }
  }

  private Replica() {}

  public static Behavior<Command> create(Store store, String node) {
    return Behaviors.setup(ctx -> behaviour(ctx.getSystem(), store, node));
  }

  private static Behavior<Command> behaviour(org.apache.pekko.actor.typed.ActorSystem<?> system, Store store, String node) {
    return Behaviors.receive(Command.class)
        .onMessage(StoreChanges.class, m -> {
          List<CompletableFuture<Reply>> replies = new ArrayList<>(m.changes().size());
          for (Stamped change : m.changes()) {
            replies.add(store.applyChange(change).handle((r, failure) -> reply(r, failure, node)).toCompletableFuture());
          }
          CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
              .thenRun(() -> m.replyTo().tell(new Stored(replies.stream().map(CompletableFuture::join).toList())));
          return Behaviors.same();
        })
        .onMessage(StoreDelta.class, m -> {
          answer(m.delta().received(system).thenComposeAsync(d -> store.applyDelta(d, m.authority()), system.executionContext()), node, m.replyTo());
          return Behaviors.same();
        })
        .onMessage(Prepare.class, m -> {
          store.promiseAll(m.epochs(), m.server(), m.replicaSet()).whenComplete((results, failure) -> {
            Map<String, Reply> replies = new LinkedHashMap<>();
            for (String list : m.epochs().keySet()) replies.put(list, reply(results == null ? null : results.get(list), failure, node));
            m.replyTo().tell(new Prepared(replies));
          });
          return Behaviors.same();
        })
        .onMessage(GetPosition.class, m -> {
          store.position(m.list()).whenComplete((p, failure) -> m.replyTo().tell(failure == null
              ? new Reply(node, null, p, 0, null)
              : new Reply(node, null, null, 0, Replication.reason(failure))));
          return Behaviors.same();
        })
        .onMessage(GetDelta.class, m -> {
          store.delta(m.list(), m.since()).thenAccept(d -> m.replyTo().tell(d.toSend(system)));
          return Behaviors.same();
        })
        .onMessage(GetDeltas.class, m -> {
          int most = MESSAGE_BYTES;
          store.deltas(m.since(), DeltasSerializer::bytes, most).thenAccept(deltas -> m.replyTo().tell(new Deltas(
              deltas.size() == 1 && DeltasSerializer.bytes(deltas.get(0)) > most ? List.of(deltas.get(0).toSend(system)) : deltas)));
          return Behaviors.same();
        })
        .onMessage(GetPositions.class, m -> {
          store.positionsAfter(m.after(), m.limit()).thenAccept(page -> m.replyTo().tell(new Positions(node, page)));
          return Behaviors.same();
        })
        .build();
  }

  private static void answer(java.util.concurrent.CompletionStage<Result> result, String node,
                             ActorRef<Reply> replyTo) {
    result.whenComplete((r, failure) -> replyTo.tell(reply(r, failure, node)));
  }

  private static Reply reply(Result r, Throwable failure, String node) {
    return failure == null
        ? new Reply(node, r.outcome(), r.position(), r.promised(), null, r.replicaSet())
        : new Reply(node, null, null, 0, Replication.reason(failure));
  }
}
