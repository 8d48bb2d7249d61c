package todo.server;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.db.Database;
import todo.db.ReplicatedList;
import todo.db.ReplicatedList.Acknowledged;
import todo.db.ReplicatedList.NotStored;
import todo.db.ReplicatedList.StartedAgain;
import todo.list.Change;
import todo.list.Entry;
import todo.list.EntryPatch;
import todo.list.TodoList;

/**
 * The one server of one to-do list in the whole cluster: the book's {@code Todo.Server},
 * as a Cluster Sharding entity keyed by the list's name. It stops after
 * {@code todo.server-expiry} idle (sharding's passivation), to come back on next use.
 *
 * <p>It is in one of five behaviours. <b>Loading</b>: it asks the database for its
 * {@link ReplicatedList} (the list, and how its changes reach a majority) and everything
 * waits in a stash. <b>Serving</b>: reads are answered at once; a write is made on the
 * list and stored, and the server is <b>writing</b> until the store is acknowledged: it
 * takes the new list as its state only then, and writes that arrive meanwhile wait.
 * <b>Read-only</b>: the list's copy may miss changes, or this node's disk refuses writes;
 * reads are answered, and a write makes it <b>recheck</b>: start the list again and take
 * the waiting writes if that start can, else refuse them with the reason. If a store
 * fails otherwise, the server stops, so the next use reloads what the database really
 * holds. A request sent again is answered from the memory of answered requests
 * ({@link Answers}), never applied twice.
 */
public final class TodoServer {

  /**
   * One logger for every server, not the actor's own ({@code context.getLog()}): that one is
   * made per actor (a stack walk to find its class, and a logging context with its path kept
   * for the actor's life), a cost per list server on a node that serves many.
   */
  private static final Logger log = LoggerFactory.getLogger(TodoServer.class);
  /** How many changes of the replica set a write is made again after before it is refused ({@link #makeAgain}). */
  static final int SET_CHANGES_PER_WRITE = 3;

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "TodoServer");

  /**
   * Starts sharding of list servers on this node: a list's server starts on the node its
   * first request came through ({@link ServerPlacement}), and puts its list where {@code cache}
   * reads it.
   */
  public static void init(ActorSystem<?> system, Database database, String node, TodoCache cache) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), database, node, cache.lists()))
        .withAllocationStrategy(new ServerPlacement()));
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

  /** A read was answered on this node from the list this server put there ({@link ServedHere}): it is in use. */
  record KeepAlive() implements Command {}

  private record Started(ReplicatedList list) implements Command {}

  private record StartFailed(String reason) implements Command {}

  private record WriteDone(ReplicatedList.Result result) implements Command {}

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

  static Behavior<Command> create(String name, Database database, String node, ServedHere servedHere) {
    return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx ->
        new TodoServer(ctx, stash, name, node, servedHere).loading(database)));
  }

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final String name;
  private final String node;
  private final ServedHere servedHere;
  private final Answers answered = new Answers();

  private TodoServer(ActorContext<Command> context, StashBuffer<Command> stash, String name, String node,
                     ServedHere servedHere) {
    this.context = context;
    this.stash = stash;
    this.name = name;
    this.node = node;
    this.servedHere = servedHere;
    servedHere.started(); // stopped() counts it off
  }

  private Behavior<Command> loading(Database database) {
    log.info("Starting to-do server for {}.", name);
    context.pipeToSelf(database.start(name), (list, failure) ->
        failure == null ? new Started(list) : new StartFailed(reason(failure)));
    return Behaviors.receive(Command.class)
        .onMessage(Started.class, m -> {
          answered.remember(m.list());
          m.list().readOnlyBecause().ifPresent(why -> log.warn("Serving {} read-only: {}", name, why));
          return stash.unstashAll(m.list().readOnlyBecause().isPresent() ? readOnly(m.list()) : serving(m.list()));
        })
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(Command.class, this::stashed)
        .onSignal(PostStop.class, s -> stopped())
        .build();
  }

  private Behavior<Command> serving(ReplicatedList list) {
    return reads(list)
        .onMessage(Write.class, w -> write(list, w, again -> makeAgain(w, again, 1)))
        .build();
  }

  /**
   * Answers {@code w} if it was answered before, else makes it on {@code list} and stores it.
   * {@code onSetChanged}: what to do when the replica set changed before it was acknowledged.
   */
  private Behavior<Command> write(ReplicatedList list, Write w, Function<StartedAgain, Behavior<Command>> onSetChanged) {
    if (answeredBefore(w)) return serving(list);
    Optional<TodoList.Edit> made = edit(list.list(), w);
    if (made.isEmpty()) {
      w.replyTo().tell(new NotFound(w instanceof UpdateEntry u ? u.id() : w instanceof DeleteEntry d ? d.id() : -1));
      return serving(list);
    }
    Entry entry = made.get().change() instanceof Change.Put put ? put.entry() : null;
    context.pipeToSelf(list.store(made.get(), w.request()), (result, failure) ->
        new WriteDone(failure == null ? result : new NotStored(reason(failure), Optional.empty())));
    return writing(list, w, entry, onSetChanged);
  }

  /** True when {@code w} was sent again and answered as the first time: it is not applied twice. */
  private boolean answeredBefore(Write w) {
    WriteResult earlier = answered.of(w.request());
    if (earlier != null) w.replyTo().tell(earlier);
    return earlier != null;
  }

  private static Optional<TodoList.Edit> edit(TodoList list, Write w) {
    if (w instanceof AddEntry m) return Optional.of(list.add(m.date(), m.title(), m.order()));
    if (w instanceof UpdateEntry m) return list.update(m.id(), m.patch());
    if (w instanceof DeleteEntry m) return list.delete(m.id());
    return Optional.of(list.clear());
  }

  private Behavior<Command> writing(ReplicatedList list, Write w, Entry entry,
                                    Function<StartedAgain, Behavior<Command>> onSetChanged) {
    return reads(list)
        .onMessage(Write.class, this::stashed)
        .onMessage(WriteDone.class, m -> {
          if (m.result() instanceof Acknowledged stored) return onStored(stored.next(), w, entry);
          if (m.result() instanceof StartedAgain again) return onSetChanged.apply(again);
          NotStored refused = (NotStored) m.result();
          return onNotStored(w, refused.reason(), refused.readOnly());
        })
        .build();
  }

  private Behavior<Command> onStored(ReplicatedList next, Write w, Entry entry) {
    Written result = new Written(entry, next.list().version());
    if (w.request() != null) answered.put(w.request(), result);
    Behavior<Command> serving = serving(next); // reads on this node see the change before its client hears of it
    w.replyTo().tell(result);
    return stash.isEmpty() ? serving : stash.unstash(serving, 1, c -> c);
  }

  /**
   * The replica set changed before {@code w} was acknowledged and the list started again
   * under the new set: {@code w} is made there (or answered, if the new start found it made),
   * once per change, for {@link #SET_CHANGES_PER_WRITE} changes; one more refuses it. A
   * change of the set is a vote among its nodes, and a store can meet the same vote twice
   * (one refusal as it begins, one as it ends). With one change allowed, a rolling restart
   * (each stop and each start is a change) answered such writes 503.
   */
  private Behavior<Command> makeAgain(Write w, StartedAgain again, int changes) {
    log.info("List {}: {}", name, again.reason());
    ReplicatedList fresh = again.fresh();
    answered.remember(fresh);
    if (fresh.readOnlyBecause().isPresent()) {
      String reason = "list " + name + " cannot take writes now: " + fresh.readOnlyBecause().get();
      w.replyTo().tell(new Refused(reason));
      return refuseWaitingWrites(reason, readOnly(fresh));
    }
    return stash.unstashAll(write(fresh, w, next -> changes < SET_CHANGES_PER_WRITE ? makeAgain(w, next, changes + 1)
        : onNotStored(w, next.reason(), Optional.empty())));
  }

  private Behavior<Command> onNotStored(Write w, String reason, Optional<ReplicatedList> readOnly) {
    log.warn("Store of list {} failed: {}", name, reason);
    w.replyTo().tell(new Refused(reason));
    return refuseWaitingWrites(reason, readOnly.map(this::readOnly).orElse(Behaviors.stopped()));
  }

  private Behavior<Command> readOnly(ReplicatedList list) {
    return reads(list)
        .onMessage(Write.class, w -> {
          if (answeredBefore(w)) return Behaviors.same();
          // look again: the missing nodes may be back, or forgotten
          context.pipeToSelf(list.startAgain(), (fresh, failure) ->
              failure == null ? new Started(fresh) : new StartFailed(reason(failure)));
          stashed(w);
          return rechecking(list);
        })
        .build();
  }

  private Behavior<Command> rechecking(ReplicatedList list) {
    return reads(list)
        .onMessage(Write.class, this::stashed)
        .onMessage(Started.class, m -> {
          answered.remember(m.list());
          if (m.list().readOnlyBecause().isPresent()) { // still no majority: the waiting writes are refused
            return refuseWaitingWrites("list " + name + " cannot take writes now: " + m.list().readOnlyBecause().get(),
                readOnly(m.list()));
          }
          return stash.unstashAll(serving(m.list()));
        })
        .onMessage(StartFailed.class, this::onStartFailed)
        .build();
  }

  private Behavior<Command> onStartFailed(StartFailed m) {
    log.warn("Cannot load list {}: {}", name, m.reason());
    return refuseWaitingWrites("list " + name + " could not be loaded: " + m.reason(), Behaviors.stopped());
  }

  /**
   * Reads, answered at once from {@code list} in every behaviour but loading; so are the
   * reads on this node that find it in {@link ServedHere}, where it is put here.
   */
  private BehaviorBuilder<Command> reads(ReplicatedList list) {
    TodoList l = list.list();
    servedHere.put(name, l, context.getSelf());
    return Behaviors.receive(Command.class)
        .onMessage(GetEntries.class, m -> answer(m.replyTo(),
            new Entries(m.date() == null ? l.entries() : l.entries(m.date()), l.version())))
        .onMessage(GetEntry.class, m -> answer(m.replyTo(),
            new Entries(l.entry(m.id()).map(List::of).orElse(List.of()), l.version())))
        .onMessage(Describe.class, m -> answer(m.replyTo(), new Description(name, node, l.version(), list.epoch(), l.size(),
            context.getSelf(), list.readOnlyBecause().orElse(null))))
        .onMessage(KeepAlive.class, m -> Behaviors.same())
        .onSignal(PostStop.class, s -> stopped());
  }

  private static <T> Behavior<Command> answer(ActorRef<T> replyTo, T answer) {
    replyTo.tell(answer);
    return Behaviors.same();
  }

  private Behavior<Command> stopped() {
    servedHere.remove(name, context.getSelf());
    log.info("Stopping to-do server for {}.", name);
    return Behaviors.same();
  }

  /** Refuses the writes waiting in the stash, for {@code reason}, and drops them; then {@code next}. */
  private Behavior<Command> refuseWaitingWrites(String reason, Behavior<Command> next) {
    stash.forEach(c -> {
      if (c instanceof Write w) w.replyTo().tell(new Refused(reason));
    });
    stash.clear();
    return next;
  }

  /** A failure's own message, not that of the CompletionException a stage wraps it in. */
  private static String reason(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  private Behavior<Command> stashed(Command m) {
    if (stash.isFull()) {
      log.warn("Server for {} is overloaded: dropping a request", name);
    } else {
      stash.stash(m);
    }
    return Behaviors.same();
  }
}
