package todo.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.store.Acceptor;
import todo.store.Ballot;
import todo.store.Configuration;
import todo.store.Store;

/**
 * This node's half of the {@link ReplicaSet} protocol, one per node at
 * {@code /system/replica-set}: it answers proposers as an acceptor (its state in the
 * {@link Store}), tells each other member the set when it changes or the member is new or
 * reachable again (and every {@link #RETELL_AFTER} besides), proposes this node's own
 * addition when it is a member of the cluster but not of the set, and finishes a proposal
 * accepted here whose proposer went quiet. It writes SQLite, so it runs on the database's
 * threads; a store that fails (a full disk) throws out of a handler, and the tracker starts
 * afresh: its state that matters is in the file.
 */
final class ReplicaSetTracker extends AbstractBehavior<ReplicaSetTracker.Command> {

  private static final Logger log = LoggerFactory.getLogger(ReplicaSetTracker.class);
  static final String NAME = "replica-set";
  /** A fresh node that learned no set in this time, and is the oldest member, founds one. */
  private static final Duration FOUND_AFTER = Duration.ofSeconds(5);
  /** A proposal accepted here and not chosen in this time is finished by this node. */
  private static final Duration COMPLETE_AFTER = Duration.ofSeconds(3);
  /**
   * A member told the set is told it again after this long, when nothing changed: a chosen
   * set is sent to every member the moment it is chosen, so the repeat only repairs a member
   * that missed that message (it was unreachable then). At every second, as before, an idle
   * node of 3 sent 2 of its 17 remote messages a second for it (docs/BENCHMARKS.md,
   * "Issue 11, part 8: second round").
   */
  static final Duration RETELL_AFTER = Duration.ofSeconds(10);

  /** What the tracker of each node takes. */
  public sealed interface Command extends CborSerializable {}

  /** A chosen replica set, to take when newer; {@code from}: the node that tells it. */
  public record Learn(Configuration chosen, String from) implements Command {}

  /** Paxos phase 1 for {@code version}: promise {@code ballot}, and say what was accepted. */
  public record PrepareNext(long version, Ballot ballot, ActorRef<Promised> replyTo) implements Command {}

  /**
   * The answer to {@link PrepareNext}: this node's acceptor state after it, and the peers
   * that catch-up took everything from since it took {@code chosen} ({@code pulledFrom}).
   */
  public record Promised(String node, Configuration chosen, Ballot promised, Configuration accepted, Ballot acceptedBallot,
                         List<String> pulledFrom) implements CborSerializable {}

  /** Paxos phase 2: accept {@code proposal} under {@code ballot}. */
  public record AcceptNext(Configuration proposal, Ballot ballot, ActorRef<Accepted> replyTo) implements Command {}

  public record Accepted(String node, boolean accepted, Configuration chosen) implements CborSerializable {}

  /** A change of the set to run now (an operator's, or this node's leave). */
  record Propose(ReplicaSetChange.Change change, ActorRef<String> replyTo) implements Command {}

  private record Proposed(String outcome) implements Command {}

  /** Catch-up took everything {@code peer} held, in a pass begun under replica set {@code version}. */
  record PulledFrom(String peer, long version) implements Command {}

  private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** What a member was last told, and when; since when it has been a member here (System.nanoTime). */
  private record Told(Configuration set, long at, long since) {}

  private final ReplicaSet set;
  private final Store store;
  private final ReplicaSetChange proposer;
  private final long started = System.nanoTime();
  /** The peers catch-up took everything from under the set of version {@link #pulledUnder}. */
  private final Set<String> pulled = new HashSet<>();
  private long pulledUnder;
  /** A change of this node's own is under way (one at a time). */
  private boolean proposing;
  /** When this node first saw a proposal it accepted still unchosen (0: none now). */
  private long acceptedSince;
  /** Why this node's last attempt to join the set failed, logged once per new reason. */
  private String lastRefusal;
  /** Per member incarnation: the set it was last told. */
  private final Map<UniqueAddress, Told> told = new HashMap<>();

  static Behavior<Command> create(ReplicaSet set, Store store) {
    Behavior<Command> tracker = Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
      return new ReplicaSetTracker(ctx, set, store);
    }));
    return Behaviors.supervise(tracker).onFailure(Exception.class, SupervisorStrategy.restart());
  }

  private ReplicaSetTracker(ActorContext<Command> ctx, ReplicaSet set, Store store) {
    super(ctx);
    this.set = set;
    this.store = store;
    this.proposer = new ReplicaSetChange(set, ctx.getSystem());
    this.pulledUnder = set.config().version();
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new), ClusterEvent.ClusterDomainEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Changed.class, m -> {
          set.refresh();
          // a member reachable again may have missed a change: it is told as if new
          if (m.event() instanceof ClusterEvent.ReachableMember back) told.remove(back.member().uniqueAddress());
          return this;
        })
        .onMessage(Tick.class, m -> onTick())
        .onMessage(Proposed.class, this::onProposed)
        .onMessage(Propose.class, this::onPropose)
        .onMessage(Learn.class, m -> {
          set.learnFrom(m.chosen(), m.from());
          return this;
        })
        .onMessage(PrepareNext.class, this::onPrepareNext)
        .onMessage(AcceptNext.class, m -> {
          boolean ok = store.acceptReplicaSet(m.proposal(), m.ballot());
          m.replyTo().tell(new Accepted(set.self(), ok, store.replicaSet().chosen()));
          return this;
        })
        .onMessage(PulledFrom.class, this::onPulledFrom)
        .build();
  }

  private Behavior<Command> onTick() {
    set.refresh();
    Configuration mine = set.config();
    tellMembers(mine);
    if (!mine.known() && System.nanoTime() - started > FOUND_AFTER.toNanos() && set.oldestUpDataMember()) {
      set.learn(Configuration.founding(set.self()), "no member knew a replica set, and this node is the oldest: founded one");
    }
    if (proposing || set.leaving() || !mine.known() || !set.upInCluster()) return this;
    // a proposal accepted here whose proposer went quiet blocks writes: see it chosen (or not)
    boolean dangling = store.replicaSet().accepted() != null;
    if (!dangling) acceptedSince = 0;
    else if (acceptedSince == 0) acceptedSince = System.nanoTime();
    ReplicaSetChange.Change next = dangling && System.nanoTime() - acceptedSince > COMPLETE_AFTER.toNanos()
        ? ReplicaSetChange.complete() : !mine.contains(set.self()) ? ReplicaSetChange.join(set.self()) : null;
    if (next != null) {
      proposing = true;
      getContext().pipeToSelf(proposer.run(next), (outcome, failure) ->
          new Proposed(failure == null ? outcome : Replication.reason(failure)));
    }
    return this;
  }

  /**
   * Tells each other data member this node's set, unless it was told that set in the last
   * {@link #RETELL_AFTER}; a member new here is told every tick for its first {@link #RETELL_AFTER}:
   * it is Up before its tracker runs, and a fresh node waits for the set to propose itself.
   */
  private void tellMembers(Configuration mine) {
    long now = System.nanoTime();
    Set<UniqueAddress> members = new HashSet<>();
    for (Member member : ReplicaSet.upDataMembers(Cluster.get(getContext().getSystem()))) {
      members.add(member.uniqueAddress());
      if (ReplicaSet.nameOf(member).equals(set.self()) || !mine.known()) continue;
      Told last = told.get(member.uniqueAddress());
      long since = last == null ? now : last.since();
      boolean settled = now - since >= RETELL_AFTER.toNanos();
      if (settled && last.set().equals(mine) && now - last.at() < RETELL_AFTER.toNanos()) continue;
      set.trackerOf(member.address().toString()).tell(new Learn(mine, set.self()));
      told.put(member.uniqueAddress(), new Told(mine, now, since));
    }
    told.keySet().retainAll(members); // gone members' incarnations
  }

  private Behavior<Command> onProposed(Proposed m) {
    proposing = false;
    boolean done = m.outcome().equals(ReplicaSetChange.DONE);
    if (!done && !m.outcome().equals(lastRefusal)) {
      log.info("Node {} is not in the replica set {} yet: {}", set.self(), set.config(), m.outcome());
    }
    lastRefusal = done ? null : m.outcome();
    return this;
  }

  private Behavior<Command> onPropose(Propose m) {
    // an operator's or a leaving node's change waits for no tick; one at a time all the same
    proposer.run(m.change()).whenCompleteAsync((outcome, failure) ->
        m.replyTo().tell(failure == null ? outcome : Replication.reason(failure)), getContext().getExecutionContext());
    return this;
  }

  private Behavior<Command> onPrepareNext(PrepareNext m) throws java.sql.SQLException {
    Acceptor a = store.promiseReplicaSet(m.version(), m.ballot());
    forgetPulledUnlessUnder(a.chosen().version());
    List<String> synced = new ArrayList<>(pulled);
    if (a.chosen().contains(set.self())) synced.add(set.self());
    m.replyTo().tell(new Promised(set.self(), a.chosen(), a.promised(), a.accepted(), a.acceptedBallot(), synced));
    return this;
  }

  private Behavior<Command> onPulledFrom(PulledFrom m) {
    long now = set.config().version();
    forgetPulledUnlessUnder(now); // a new set: what was taken under the old one does not count
    if (m.version() == now) pulled.add(m.peer());
    return this;
  }

  private void forgetPulledUnlessUnder(long version) {
    if (pulledUnder == version) return;
    pulled.clear();
    pulledUnder = version;
  }
}
