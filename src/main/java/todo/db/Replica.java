package todo.db;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import todo.CborSerializable;
import todo.list.Change;

/**
 * This node's copy of every list, as other nodes reach it: the remote half of
 * {@code Database.store} ({@code store_local} called from another node, as the book's
 * {@code :rpc.multicall} does) and of repair. One per node, at {@code /system/replica}.
 */
public final class Replica {

  public static final String NAME = "replica";

  public sealed interface Command extends CborSerializable {}

  public record StoreChange(Change change, ActorRef<Reply> replyTo) implements Command {}

  public record StoreDelta(Delta delta, ActorRef<Reply> replyTo) implements Command {}

  public record GetVersion(String list, ActorRef<Reply> replyTo) implements Command {}

  public record GetDelta(String list, long since, ActorRef<Delta> replyTo) implements Command {}

  /** {@code version} is what this node holds of the list after the request. */
  public record Reply(String node, boolean stored, long version, String problem) implements CborSerializable {}

  private Replica() {}

  public static Behavior<Command> create(Database database, String node) {
    return Behaviors.receive(Command.class)
        .onMessage(StoreChange.class, m -> {
          database.storeLocal(m.change()).whenComplete((done, failure) ->
              answer(database, node, m.change().list(), m.change().version(), failure, m.replyTo()));
          return Behaviors.same();
        })
        .onMessage(StoreDelta.class, m -> {
          database.storeLocal(m.delta()).whenComplete((done, failure) ->
              answer(database, node, m.delta().list(), m.delta().toVersion(), failure, m.replyTo()));
          return Behaviors.same();
        })
        .onMessage(GetVersion.class, m -> {
          tellVersion(database, node, m.list(), null, m.replyTo());
          return Behaviors.same();
        })
        .onMessage(GetDelta.class, m -> {
          database.delta(m.list(), m.since()).thenAccept(m.replyTo()::tell);
          return Behaviors.same();
        })
        .build();
  }

  /** Replies with the version now held, so a sender that finds this copy behind can send what it lacks. */
  /**
   * Stored: the version is the one just stored, so nothing is read (this is on every
   * write's path). Not stored: replies with the version this node holds, so a sender that
   * finds this copy behind can send what it lacks.
   */
  private static void answer(Database database, String node, String list, long storedVersion, Throwable failure,
                             ActorRef<Reply> replyTo) {
    if (failure == null) {
      replyTo.tell(new Reply(node, true, storedVersion, null));
    } else {
      tellVersion(database, node, list, Replication.reason(failure), replyTo);
    }
  }

  private static void tellVersion(Database database, String node, String list, String problem, ActorRef<Reply> replyTo) {
    database.version(list).whenComplete((version, readFailure) -> replyTo.tell(readFailure != null
        ? new Reply(node, false, -1, Replication.reason(readFailure))
        : new Reply(node, false, version, problem)));
  }
}
