package todo.server;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import todo.CborSerializable;
import todo.db.Database;
import todo.store.Delta;
import todo.list.Entry;
import todo.list.EntryPatch;
import todo.list.TodoList;

/**
 * The one server of one to-do list in the whole cluster: the book's {@code Todo.Server},
 * as a Cluster Sharding entity keyed by the list's name. It loads the list from the
 * database when it starts and stops after {@code todo.server-expiry} idle (sharding's
 * passivation), to come back on next use.
 *
 * <p>Writes go one at a time: a change is made on the list, stored, and only then does the
 * server take it as its state and acknowledge it; writes that arrive meanwhile wait in a
 * stash. Reads are answered at once from the last stored state. If a store fails, the
 * server stops, so the next use reloads what the database really holds; but while this
 * node's disk refuses writes (full, or failing), a reload could not start, so the server
 * stays and serves reads, and takes its next write only after starting afresh (a new epoch,
 * the newest copy), as a server without a majority does.
 */
public final class TodoServer extends AbstractBehavior<TodoServer.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "TodoServer");

  /** Starts sharding of list servers on this node. */
  public static void init(ActorSystem<?> system, Database database, String node) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), database, node)));
  }

  // ---- protocol

  public sealed interface Command extends CborSerializable {}

  /**
   * A command that changes the list. {@code request} names the client request (or is
   * null): a request sent again, after a time-out, a hand-off or a failover, is answered
   * with its first outcome and not applied twice.
   */
  public sealed interface Write extends Command {
    String request();

    ActorRef<WriteResult> replyTo();
  }

  public record AddEntry(LocalDate date, String title, Long order, String request, ActorRef<WriteResult> replyTo)
      implements Write {
    public AddEntry(LocalDate date, String title, Long order, ActorRef<WriteResult> replyTo) {
      this(date, title, order, null, replyTo);
    }
  }

  public record UpdateEntry(long id, EntryPatch patch, String request, ActorRef<WriteResult> replyTo) implements Write {}

  public record DeleteEntry(long id, String request, ActorRef<WriteResult> replyTo) implements Write {}

  public record ClearEntries(String request, ActorRef<WriteResult> replyTo) implements Write {}

  /** The entries of {@code date}, or all entries when {@code date} is null. */
  public record GetEntries(LocalDate date, ActorRef<Entries> replyTo) implements Command {}

  public record GetEntry(long id, ActorRef<Entries> replyTo) implements Command {}

  public record Describe(ActorRef<Description> replyTo) implements Command {}

  private record Loaded(Database.Newest newest) implements Command {}

  private record LoadFailed(String reason) implements Command {}

  private record Stored(TodoList list, Entry entry, Write write) implements Command {}

  /** {@code again}: the replica set changed, so the server starts again under it and makes the change there. */
  private record StoreFailed(String reason, Write write, boolean again) implements Command {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Written.class, name = "written"),
    @JsonSubTypes.Type(value = NotFound.class, name = "not-found"),
    @JsonSubTypes.Type(value = Refused.class, name = "refused"),
    @JsonSubTypes.Type(value = Reused.class, name = "reused")
  })
  public sealed interface WriteResult extends CborSerializable {}

  /** Stored. {@code entry} is the entry as written, null for a delete or a clear. */
  public record Written(Entry entry, long version) implements WriteResult {}

  public record NotFound(long id) implements WriteResult {}

  /** Not stored, for {@code reason}. */
  public record Refused(String reason) implements WriteResult {}

  /** Not applied: the request's client-given name came earlier with a different request, which made {@code version}. */
  public record Reused(long version) implements WriteResult {}

  public record Entries(List<Entry> entries, long version) implements CborSerializable {}

  /** Where the list is served ({@code server} is the serving actor itself) and how far it is. */
  public record Description(String list, String node, long version, long epoch, int size, ActorRef<Command> server,
                            String staleBecause) implements CborSerializable {}

  // ---- behaviour

  public static Behavior<Command> create(String name, Database database, String node) {
    return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx -> new TodoServer(ctx, stash, name, database, node)));
  }

  private final StashBuffer<Command> stash;
  private final String name;
  private final Database database;
  private final String node;
  private TodoList list; // null while loading
  private long epoch; // this server's, promised by the replicas (see Replication.start)
  private long listEpoch; // the epoch that made the list's latest change
  private String staleBecause; // not null: the copy may miss changes, so no writes
  private boolean rechecking; // a write came while stale: looking for a majority again
  private boolean writing;
  private Write retried; // the write made again under a new replica set, once: a second change refuses it
  private final Answers answered = new Answers();

  private TodoServer(ActorContext<Command> ctx, StashBuffer<Command> stash, String name, Database database, String node) {
    super(ctx);
    this.stash = stash;
    this.name = name;
    this.database = database;
    this.node = node;
    ctx.getLog().info("Starting to-do server for {}.", name);
    load();
  }

  private void load() {
    getContext().pipeToSelf(database.start(name), (loaded, failure) ->
        failure == null ? new Loaded(loaded) : new LoadFailed(reason(failure)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(LoadFailed.class, this::onLoadFailed)
        .onMessage(AddEntry.class, m -> write(m, () -> Optional.of(list.add(m.date(), m.title(), m.order())), -1))
        .onMessage(UpdateEntry.class, m -> write(m, () -> list.update(m.id(), m.patch()), m.id()))
        .onMessage(DeleteEntry.class, m -> write(m, () -> list.delete(m.id()), m.id()))
        .onMessage(ClearEntries.class, m -> write(m, () -> Optional.of(list.clear()), -1))
        .onMessage(Stored.class, this::onStored)
        .onMessage(StoreFailed.class, this::onStoreFailed)
        .onMessage(GetEntries.class, m -> read(m, () -> m.replyTo().tell(new Entries(
            m.date() == null ? list.entries() : list.entries(m.date()), list.version()))))
        .onMessage(GetEntry.class, m -> read(m, () -> m.replyTo().tell(new Entries(
            list.entry(m.id()).map(List::of).orElse(List.of()), list.version()))))
        .onMessage(Describe.class, m -> read(m, () -> m.replyTo().tell(
            new Description(name, node, list.version(), epoch, list.size(), getContext().getSelf(), staleBecause))))
        .onSignal(PostStop.class, s -> {
          getContext().getLog().info("Stopping to-do server for {}.", name);
          return this;
        })
        .build();
  }

  private Behavior<Command> onLoaded(Loaded m) {
    boolean wasRechecking = rechecking;
    rechecking = false;
    list = m.newest().list();
    epoch = m.newest().epoch();
    listEpoch = m.newest().listEpoch();
    staleBecause = m.newest().staleBecause();
    // Answers to requests sent again come from the copy only once a majority holds it: a
    // stale copy may hold a change that was never acknowledged (stored here, then refused).
    List<Delta.Request> requests = new ArrayList<>(staleBecause == null ? m.newest().requests() : List.of());
    Collections.reverse(requests); // oldest first, so the newest are the last to be forgotten
    for (Delta.Request r : requests) {
      answered.put(r.id(), new Written(r.entryId() > 0 ? list.entry(r.entryId()).orElse(null) : null, r.version()));
    }
    if (staleBecause != null && wasRechecking) { // still no majority: the waiting writes are refused
      refuseStashedWrites("list " + name + " cannot take writes now: " + staleBecause);
      stash.clear();
      return this;
    }
    if (staleBecause != null) getContext().getLog().warn("Serving {} read-only: {}", name, staleBecause);
    return stash.unstashAll(this);
  }

  private Behavior<Command> onLoadFailed(LoadFailed m) {
    getContext().getLog().warn("Cannot load list {}: {}", name, m.reason());
    if (rechecking && database.diskFault() != null) { // still read-only: keep serving reads
      rechecking = false;
      refuseStashedWrites("list " + name + " cannot take writes now: " + m.reason());
      stash.clear();
      return this;
    }
    refuseStashedWrites("list " + name + " could not be loaded: " + m.reason());
    return Behaviors.stopped();
  }

  private Behavior<Command> read(Command m, Runnable answer) {
    if (list == null) return stashed(m);
    answer.run();
    return this;
  }

  private Behavior<Command> write(Write m, java.util.function.Supplier<Optional<TodoList.Edit>> edit, long id) {
    ActorRef<WriteResult> replyTo = m.replyTo();
    if (list == null || writing || rechecking) return stashed(m);
    WriteResult earlier = m.request() == null ? null : answered.of(m.request());
    if (earlier != null) { // sent again: answer, do not apply twice
      replyTo.tell(earlier);
      return this;
    }
    if (staleBecause != null) { // look again: the missing nodes may be back, or forgotten
      rechecking = true;
      load();
      return stashed(m);
    }
    Optional<TodoList.Edit> made = edit.get();
    if (made.isEmpty()) {
      replyTo.tell(new NotFound(id));
      return this;
    }
    TodoList next = made.get().list();
    Entry entry = made.get().change() instanceof todo.list.Change.Put put ? put.entry() : null;
    writing = true;
    var change = new todo.store.Stamped(made.get().change().forRequest(m.request()), epoch, listEpoch, 0);
    getContext().pipeToSelf(database.store(change), (done, failure) ->
        failure == null ? new Stored(next, entry, m)
            : new StoreFailed(failure.getMessage(), m, canMakeAgain(m, failure)));
    return this;
  }

  private Behavior<Command> onStored(Stored m) {
    list = m.list();
    listEpoch = epoch;
    writing = false;
    Written result = new Written(m.entry(), list.version());
    if (m.write().request() != null) answered.put(m.write().request(), result);
    m.write().replyTo().tell(result);
    return stash.isEmpty() ? this : stash.unstash(this, 1, c -> c);
  }

  /**
   * A write refused because the replica set changed is made again under the new set, once:
   * when no node stored it, or when its request id lets the new start recognise it as made.
   */
  private boolean canMakeAgain(Write m, Throwable failure) {
    return !m.equals(retried) && todo.db.ReplicaSetChanged.is(failure)
        && (m.request() != null || todo.db.ReplicaSetChanged.storedNowhere(failure));
  }

  private Behavior<Command> onStoreFailed(StoreFailed m) {
    if (m.again()) { // nothing acknowledged: start under the new replica set, then make the change again
      getContext().getLog().info("List {}: {}", name, m.reason());
      writing = false;
      rechecking = true;
      retried = m.write();
      stash.stash(m.write());
      load();
      return this;
    }
    getContext().getLog().warn("Store of list {} failed: {}", name, m.reason());
    m.write().replyTo().tell(new Refused(m.reason()));
    refuseStashedWrites(m.reason());
    String diskFault = database.diskFault();
    if (diskFault == null) return Behaviors.stopped();
    writing = false; // this epoch writes no more: the next write makes the server start afresh
    staleBecause = diskFault;
    stash.clear();
    return this;
  }

  private void refuseStashedWrites(String reason) {
    stash.forEach(c -> {
      if (c instanceof Write w) w.replyTo().tell(new Refused(reason));
    });
  }

  /** A failure's own message, not that of the CompletionException a stage wraps it in. */
  private static String reason(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  private Behavior<Command> stashed(Command m) {
    if (stash.isFull()) {
      getContext().getLog().warn("Server for {} is overloaded: dropping a request", name);
    } else {
      stash.stash(m);
    }
    return this;
  }
}
