package todo.db;

import java.time.Duration;
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
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.NodeRoles;
import todo.store.Configuration;
import todo.store.Store;
import todo.Stages;

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
 * SQLite file; a {@link ReplicaSetTracker} (at {@code /system/replica-set}) answers proposers, tells the
 * other members the set when it changes (and again every ten seconds), and proposes this
 * node's own addition when it is a member of the cluster but not of the set. A node leaving
 * gracefully proposes its own removal before it goes; if no majority accepts (the others are
 * leaving too), it stays.
 */
public final class ReplicaSet {

  private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);

  /**
   * One node of the replica set as this node sees it now: {@code ref}, its {@link Replica},
   * is null while the node is not a member (crashed, not back yet).
   */
  public record ReplicaNode(String name, ActorRef<Replica.Command> ref, boolean reachable) {}

  /** The agreed set and its nodes as this node sees them now, from one moment. */
  public record View(Configuration config, Map<String, ReplicaNode> nodes) {

    /** Whether most of the set's nodes (this one among them, when it is one) can be reached: only then can its next version be chosen. */
    boolean majorityReachable() {
      return nodes.values().stream().filter(ReplicaNode::reachable).count() > nodes.size() / 2;
    }
  }

  private final String self;
  private final ActorSystem<?> system;
  private final Store store;
  private final AtomicReference<View> view = new AtomicReference<>(new View(Configuration.NONE, Map.of()));
  private ActorRef<ReplicaSetTracker.Command> tracker;
  private volatile boolean leaving;

  private ReplicaSet(String self, ActorSystem<?> system, Store store) {
    this.self = self;
    this.system = system;
    this.store = store;
  }

  /** The replica set of the node {@code self}, as its store holds it, with its tracker started. */
  static ReplicaSet start(ActorSystem<?> system, Store store, String self) {
    ReplicaSet set = new ReplicaSet(self, system, store);
    Configuration stored = store.replicaSet().chosen();
    if (!stored.known() && upDataMembers(Cluster.get(system)).stream().allMatch(m -> nameOf(m).equals(self))) {
      set.learn(Configuration.founding(self), "founded a new cluster"); // a fresh folder, alone: a cluster of one
    }
    set.refresh();
    // it writes SQLite: blocking, so on the database's threads
    set.tracker = system.systemActorOf(ReplicaSetTracker.create(set, store), ReplicaSetTracker.NAME,
        DispatcherSelector.fromConfig("todo.db-dispatcher"));
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
  public Map<String, ReplicaNode> nodes() {
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
    return change(ReplicaSetChange.forget(nodes))
        .thenApplyAsync(r -> r.equals(ReplicaSetChange.DONE) ? "forgotten" : r, system.executionContext());
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
    return Stages.on(system.executionContext(), AskPattern.<ReplicaSetTracker.Command, String>ask(tracker,
        r -> new ReplicaSetTracker.Propose(change, r), Duration.ofSeconds(15), system.scheduler()));
  }

  /** Catch-up took everything {@code peer} held, in a pass begun under replica set {@code version}. */
  void pulledFrom(String peer, long version) {
    tracker.tell(new ReplicaSetTracker.PulledFrom(peer, version));
  }

  /** Another node's reply showed that {@code node} is behind this node's replica set: tell it. */
  void tellBehind(String node) {
    tellBehindTracker(trackers(List.of(node)).get(node), config());
  }

  void tellBehindTracker(ActorRef<ReplicaSetTracker.Command> tracker, Configuration chosen) {
    if (tracker != null) tracker.tell(new ReplicaSetTracker.Learn(chosen, self));
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

  /** True once this node is leaving gracefully: it never proposes itself again. */
  boolean leaving() {
    return leaving;
  }

  /** Takes {@code chosen} when newer than the stored set, and logs it with {@code why} (null: no reason to give). */
  void learn(Configuration chosen, String why) {
    try {
      if (!store.learnReplicaSet(chosen)) return;
    } catch (java.sql.SQLException e) {
      log.warn("Cannot save the replica set {} on {}: {}", chosen, self, e.getMessage());
      return;
    }
    refresh();
    log.info("Replica set: {}{}", chosen, why == null ? "" : " (" + why + ")");
  }

  ActorRef<ReplicaSetTracker.Command> trackerOf(String address) {
    return ActorRefResolver.get(system).resolveActorRef(address + "/system/" + ReplicaSetTracker.NAME);
  }

  /** The trackers of {@code nodes} that are members now (null for one that is not). */
  Map<String, ActorRef<ReplicaSetTracker.Command>> trackers(java.util.Collection<String> nodes) {
    Map<String, ActorRef<ReplicaSetTracker.Command>> found = new LinkedHashMap<>();
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : upDataMembers(Cluster.get(system))) members.put(nameOf(m), m);
    for (String node : new TreeSet<>(nodes)) {
      Member m = members.get(node);
      found.put(node, m == null ? null : trackerOf(m.address().toString()));
    }
    return found;
  }

  /** The trackers of every data member now, this node's included. */
  Map<String, ActorRef<ReplicaSetTracker.Command>> memberTrackers() {
    return trackers(upDataMembers(Cluster.get(system)).stream().map(ReplicaSet::nameOf).toList());
  }

  Store store() {
    return store;
  }

  boolean upInCluster() {
    return upDataMembers(Cluster.get(system)).stream().anyMatch(m -> nameOf(m).equals(self));
  }

  private boolean olderThanThisNode(String node) {
    List<Member> up = upDataMembers(Cluster.get(system));
    Member me = up.stream().filter(m -> nameOf(m).equals(self)).findFirst().orElse(null);
    Member other = up.stream().filter(m -> nameOf(m).equals(node)).findFirst().orElse(null);
    return me != null && other != null && other.isOlderThan(me);
  }

  boolean oldestUpDataMember() {
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
  void refresh() {
    Configuration config = store.replicaSet().chosen();
    Cluster cluster = Cluster.get(system);
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
      NodeRoles.node(m.getRoles()).ifPresent(n -> members.put(n, m));
    }
    Set<Member> unreachable = cluster.state().getUnreachable();
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Map<String, ReplicaNode> nodes = new LinkedHashMap<>();
    for (String name : config.nodes()) {
      Member m = members.get(name);
      ActorRef<Replica.Command> ref = m == null ? null : resolver.resolveActorRef(m.address() + "/system/" + Replica.NAME);
      nodes.put(name, new ReplicaNode(name, ref, m != null && !unreachable.contains(m)));
    }
    view.set(new View(config, java.util.Collections.unmodifiableMap(nodes)));
  }
}
