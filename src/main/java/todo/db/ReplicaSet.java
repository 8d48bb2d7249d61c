package todo.db;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.node.NodeRoles;

/**
 * The nodes every change must reach: an agreed, versioned {@link Configuration}. A node
 * joins it, leaves it gracefully, or is forgotten by an operator only through a change
 * that a majority of the current set accepts ({@link ReplicaSetChange}, single-decree
 * Paxos per version), never by one node on its own and never by a clock. So any two groups
 * of nodes that can each acknowledge a write overlap, across changes of the set too. A
 * crashed node stays in the set until it returns or is forgotten; a node started alone
 * from a folder of a larger cluster refuses writes until a majority of its set is back.
 *
 * <p>Each node keeps the latest set it knows to be chosen, and its acceptor state, in its
 * SQLite file; a tracker (at {@code /system/replica-set}) answers proposers, tells the
 * other members the set every second, and proposes this node's own addition when it is a
 * member of the cluster but not of the set. A node leaving gracefully proposes its own
 * removal before it goes; if no majority accepts (the others are leaving too), it stays.
 */
public final class ReplicaSet {

  private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);
  static final String TRACKER = "replica-set";
  /** A fresh node that learned no set in this time, and is the oldest member, founds one. */
  private static final Duration FOUND_AFTER = Duration.ofSeconds(5);
  /** A proposal accepted here and not chosen in this time is finished by this node. */
  private static final Duration COMPLETE_AFTER = Duration.ofSeconds(3);

  /** One replica: {@code ref} is null while the node is not a member (crashed, not back yet). */
  public record Node(String name, ActorRef<Replica.Command> ref, boolean reachable) {}

  /** The agreed set and its nodes as this node sees them now, from one moment. */
  public record View(Configuration config, Map<String, Node> nodes) {}

  private final String self;
  private final ActorSystem<?> system;
  private final SqliteStore store;
  private final AtomicReference<View> view = new AtomicReference<>(new View(Configuration.NONE, Map.of()));
  private ActorRef<Command> tracker;
  private volatile boolean leaving;

  private ReplicaSet(String self, ActorSystem<?> system, SqliteStore store) {
    this.self = self;
    this.system = system;
    this.store = store;
  }

  static ReplicaSet start(ActorSystem<?> system, SqliteStore store, String self) {
    ReplicaSet set = new ReplicaSet(self, system, store);
    Configuration stored = store.replicaSet().chosen();
    if (!stored.known() && upDataMembers(Cluster.get(system)).stream().allMatch(m -> nameOf(m).equals(self))) {
      set.learn(Configuration.founding(self), "founded a new cluster"); // a fresh folder, alone: a cluster of one
    }
    set.refresh();
    // it writes SQLite: blocking, so on the database's threads
    // a store that fails (a full disk) throws out of a handler: start the tracker afresh, its state is in the file
    set.tracker = system.systemActorOf(
        Behaviors.supervise(set.tracker()).onFailure(Exception.class, org.apache.pekko.actor.typed.SupervisorStrategy.restart()),
        TRACKER, DispatcherSelector.fromConfig("todo.db-dispatcher"));
    return set;
  }

  public String self() {
    return self;
  }

  /** The replica set and its nodes, as this node sees them now. */
  public View view() {
    return view.get();
  }

  /** The agreed replica set this node knows. */
  public Configuration config() {
    return view.get().config();
  }

  /** The replica set's nodes as this node sees them now (this node included when it is one). */
  public Map<String, Node> nodes() {
    return view.get().nodes();
  }

  /**
   * Drops {@code nodes}, gone for good, from the replica set, so that the survivors can
   * make a majority without them: a change that a majority of the remaining nodes accepts.
   * Completes with "forgotten", or the reason not.
   */
  public CompletionStage<String> forget(List<String> nodes) {
    for (String node : nodes) {
      if (node.equals(self) || upDataMembers(Cluster.get(system)).stream().anyMatch(m -> nameOf(m).equals(node))) {
        return java.util.concurrent.CompletableFuture.completedFuture(
            node + " is a running member: stop it (it then leaves gracefully) instead of forgetting it");
      }
    }
    return change(ReplicaSetChange.forget(nodes)).thenApply(r -> r.equals(ReplicaSetChange.DONE) ? "forgotten" : r);
  }

  /**
   * Proposes this node's own removal, as it leaves gracefully: "done", or why it stays in
   * the set (the others then count it as down until it returns or is forgotten).
   */
  public CompletionStage<String> leave() {
    leaving = true; // from now on this node never proposes itself again
    return change(ReplicaSetChange.leave(self));
  }

  private CompletionStage<String> change(ReplicaSetChange.Change change) {
    return AskPattern.<Command, String>ask(tracker, r -> new Propose(change, r), Duration.ofSeconds(15), system.scheduler());
  }

  /** Catch-up took everything {@code peer} held, in a pass begun under replica set {@code version}. */
  void pulledFrom(String peer, long version) {
    tracker.tell(new PulledFrom(peer, version));
  }

  /** Another node's reply showed that {@code node} is behind this node's replica set: tell it. */
  void tellBehind(String node) {
    tellBehindTracker(trackers(List.of(node)).get(node), config());
  }

  void tellBehindTracker(ActorRef<Command> tracker, Configuration chosen) {
    if (tracker != null) tracker.tell(new Learn(chosen, self));
  }

  // ---- the tracker: one per node, at /system/replica-set

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

  private record Propose(ReplicaSetChange.Change change, ActorRef<String> replyTo) implements Command {}

  private record Proposed(String outcome) implements Command {}

  private record PulledFrom(String peer, long version) implements Command {}

  private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private Behavior<Command> tracker() {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
      Cluster.get(system).subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new), ClusterEvent.ClusterDomainEvent.class));
      ReplicaSetChange proposer = new ReplicaSetChange(this, system);
      Set<String> pulled = new HashSet<>();
      long[] pulledUnder = {config().version()};
      long started = System.nanoTime();
      boolean[] proposing = {false};
      long[] acceptedSince = {0};
      String[] lastRefusal = {null};
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, m -> {
            refresh();
            return Behaviors.same();
          })
          .onMessage(Tick.class, m -> {
            refresh();
            Configuration mine = config();
            for (Member member : upDataMembers(Cluster.get(system))) {
              if (!nameOf(member).equals(self) && mine.known()) trackerOf(member.address().toString()).tell(new Learn(mine, self));
            }
            if (!mine.known() && System.nanoTime() - started > FOUND_AFTER.toNanos() && oldestUpDataMember()) {
              learn(Configuration.founding(self), "no member knew a replica set, and this node is the oldest: founded one");
            }
            if (proposing[0] || leaving || !mine.known() || !upInCluster()) return Behaviors.same();
            // a proposal accepted here whose proposer went quiet blocks writes: see it chosen (or not)
            boolean dangling = store.replicaSet().accepted() != null;
            if (!dangling) acceptedSince[0] = 0;
            else if (acceptedSince[0] == 0) acceptedSince[0] = System.nanoTime();
            ReplicaSetChange.Change next = dangling && System.nanoTime() - acceptedSince[0] > COMPLETE_AFTER.toNanos()
                ? ReplicaSetChange.complete() : !mine.contains(self) ? ReplicaSetChange.join(self) : null;
            if (next != null) {
              proposing[0] = true;
              ctx.pipeToSelf(proposer.run(next), (outcome, failure) ->
                  new Proposed(failure == null ? outcome : Replication.reason(failure)));
            }
            return Behaviors.same();
          })
          .onMessage(Proposed.class, m -> {
            proposing[0] = false;
            if (!m.outcome().equals(ReplicaSetChange.DONE) && !m.outcome().equals(lastRefusal[0])) {
              log.info("Node {} is not in the replica set {} yet: {}", self, config(), m.outcome());
            }
            lastRefusal[0] = m.outcome().equals(ReplicaSetChange.DONE) ? null : m.outcome();
            return Behaviors.same();
          })
          .onMessage(Propose.class, m -> {
            // an operator's or a leaving node's change waits for no tick; one at a time all the same
            proposer.run(m.change()).whenComplete((outcome, failure) ->
                m.replyTo().tell(failure == null ? outcome : Replication.reason(failure)));
            return Behaviors.same();
          })
          .onMessage(Learn.class, m -> {
            learnFrom(m.chosen(), m.from());
            return Behaviors.same();
          })
          .onMessage(PrepareNext.class, m -> {
            ReplicaSetTable.Acceptor a = store.promiseReplicaSet(m.version(), m.ballot());
            if (a.chosen().version() != pulledUnder[0]) {
              pulled.clear();
              pulledUnder[0] = a.chosen().version();
            }
            List<String> synced = new java.util.ArrayList<>(pulled);
            if (a.chosen().contains(self)) synced.add(self);
            m.replyTo().tell(new Promised(self, a.chosen(), a.promised(), a.accepted(), a.acceptedBallot(), synced));
            return Behaviors.same();
          })
          .onMessage(AcceptNext.class, m -> {
            boolean ok = store.acceptReplicaSet(m.proposal(), m.ballot());
            m.replyTo().tell(new Accepted(self, ok, store.replicaSet().chosen()));
            return Behaviors.same();
          })
          .onMessage(PulledFrom.class, m -> {
            long now = config().version();
            if (pulledUnder[0] != now) { // a new set: what was taken under the old one does not count
              pulled.clear();
              pulledUnder[0] = now;
            }
            if (m.version() == now) pulled.add(m.peer());
            return Behaviors.same();
          })
          .build();
    }));
  }

  /**
   * Takes {@code chosen} when it is newer than this node's set. A set of another cluster is
   * taken only by a node whose own set is itself alone (a fresh node, or a cluster of one
   * joining a cluster); two such nodes meeting keep the set of the older member, the one
   * that was joined ({@code from}: who tells it, null when this node chose it itself).
   */
  void learnFrom(Configuration chosen, String from) {
    Configuration mine = store.replicaSet().chosen();
    if (chosen.cluster().equals(mine.cluster())) {
      if (chosen.version() > mine.version()) learn(chosen, null);
      return;
    }
    boolean aloneHere = !mine.known() || mine.nodes().equals(List.of(self));
    boolean aloneThere = chosen.nodes().size() == 1 && !chosen.contains(self);
    if (aloneHere && (!aloneThere || !mine.known() || olderThanThisNode(from))) {
      learn(chosen, mine.known() ? "joined the cluster of " + String.join(", ", chosen.nodes()) : null);
    } else if (!aloneHere && warnedAbout.add(chosen.cluster())) {
      log.warn("Node {} ignores the replica set {} of another cluster: its own is {}.", self, chosen, mine);
    }
  }

  private final Set<String> warnedAbout = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void learn(Configuration chosen, String why) {
    try {
      if (!store.learnReplicaSet(chosen)) return;
    } catch (java.sql.SQLException e) {
      log.warn("Cannot save the replica set {} on {}: {}", chosen, self, e.getMessage());
      return;
    }
    refresh();
    log.info("Replica set: {}{}", chosen, why == null ? "" : " (" + why + ")");
  }

  private ActorRef<Command> trackerOf(String address) {
    return ActorRefResolver.get(system).resolveActorRef(address + "/system/" + TRACKER);
  }

  /** The trackers of {@code nodes} that are members now (null for one that is not). */
  Map<String, ActorRef<Command>> trackers(java.util.Collection<String> nodes) {
    Map<String, ActorRef<Command>> found = new LinkedHashMap<>();
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : upDataMembers(Cluster.get(system))) members.put(nameOf(m), m);
    for (String node : new TreeSet<>(nodes)) {
      Member m = members.get(node);
      found.put(node, m == null ? null : trackerOf(m.address().toString()));
    }
    return found;
  }

  /** The trackers of every data member now, this node's included. */
  Map<String, ActorRef<Command>> memberTrackers() {
    return trackers(upDataMembers(Cluster.get(system)).stream().map(ReplicaSet::nameOf).toList());
  }

  SqliteStore store() {
    return store;
  }

  private boolean upInCluster() {
    return upDataMembers(Cluster.get(system)).stream().anyMatch(m -> nameOf(m).equals(self));
  }

  private boolean olderThanThisNode(String node) {
    List<Member> up = upDataMembers(Cluster.get(system));
    Member me = up.stream().filter(m -> nameOf(m).equals(self)).findFirst().orElse(null);
    Member other = up.stream().filter(m -> nameOf(m).equals(node)).findFirst().orElse(null);
    return me != null && other != null && other.isOlderThan(me);
  }

  private boolean oldestUpDataMember() {
    List<Member> up = upDataMembers(Cluster.get(system));
    Member me = up.stream().filter(m -> nameOf(m).equals(self)).findFirst().orElse(null);
    return me != null && up.stream().noneMatch(m -> m != me && m.isOlderThan(me));
  }

  static List<Member> upDataMembers(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(todo.node.Members::isUp)
        .filter(m -> NodeRoles.node(m.getRoles()).isPresent())
        .filter(m -> !NodeRoles.isShell(m.getRoles())) // a todo shell holds no data
        .toList();
  }

  static String nameOf(Member m) {
    return NodeRoles.node(m.getRoles()).orElse(m.address().toString());
  }

  /** Computes the view again from the stored set and the cluster's members now. */
  private void refresh() {
    Configuration config = store.replicaSet().chosen();
    Cluster cluster = Cluster.get(system);
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
      NodeRoles.node(m.getRoles()).ifPresent(n -> members.put(n, m));
    }
    Set<Member> unreachable = cluster.state().getUnreachable();
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (String name : config.nodes()) {
      Member m = members.get(name);
      ActorRef<Replica.Command> ref = m == null ? null : resolver.resolveActorRef(m.address() + "/system/" + Replica.NAME);
      nodes.put(name, new Node(name, ref, m != null && !unreachable.contains(m)));
    }
    view.set(new View(config, java.util.Collections.unmodifiableMap(nodes)));
  }
}
