package todo.db;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.NodeRoles;

/**
 * The nodes every change must reach: those that joined and have not left gracefully
 * (DESIGN.md §3). A crashed node stays in the set until it returns, so a lone survivor of
 * two cannot make a majority on its own. The set is kept in this node's SQLite file, so a
 * node restarted from its folder still knows who else holds copies.
 */
public final class ReplicaSet {

  private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);

  /** One replica: {@code ref} is null while the node is not a member (crashed, not back yet). */
  public record Node(String name, ActorRef<Replica.Command> ref, boolean reachable) {}

  private final String self;
  private final ActorSystem<?> system;
  private final AtomicReference<Map<String, Node>> view = new AtomicReference<>(Map.of());

  private ReplicaSet(String self, ActorSystem<?> system) {
    this.self = self;
    this.system = system;
  }

  static ReplicaSet start(ActorSystem<?> system, SqliteStore store, String self) {
    ReplicaSet set = new ReplicaSet(self, system);
    Set<String> known;
    try {
      known = new TreeSet<>(store.replicaSet());
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot read the replica set: " + e.getMessage());
    }
    known.add(self);
    set.view.set(set.compute(known, Cluster.get(system), ActorRefResolver.get(system)));
    // it writes the set to SQLite: blocking, so on the database's threads
    system.systemActorOf(set.tracker(store, known), TRACKER,
        org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("todo.db-dispatcher"));
    return set;
  }

  public String self() {
    return self;
  }

  /**
   * Drops {@code node}, gone for good, from the replica set of every member, so that the
   * survivors can make a majority without it. Completes with "forgotten", or the reason not.
   */
  public java.util.concurrent.CompletionStage<String> forget(String node) {
    Cluster cluster = Cluster.get(system);
    ActorRefResolver resolver = ActorRefResolver.get(system);
    List<java.util.concurrent.CompletableFuture<String>> answers = new java.util.ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() != MemberStatus.up() && m.status() != MemberStatus.weaklyUp()) continue;
      ActorRef<Command> tracker = resolver.resolveActorRef(m.address() + "/system/" + TRACKER);
      answers.add(org.apache.pekko.actor.typed.javadsl.AskPattern.<Command, String>ask(
              tracker, r -> new Forget(node, r), java.time.Duration.ofSeconds(3), system.scheduler())
          .toCompletableFuture().exceptionally(t -> NodeRoles.node(m.getRoles()).orElse(m.address().toString()) + " did not answer"));
    }
    return java.util.concurrent.CompletableFuture.allOf(answers.toArray(java.util.concurrent.CompletableFuture[]::new))
        .thenApply(all -> answers.stream().map(java.util.concurrent.CompletableFuture::join)
            .filter(a -> !a.equals("forgotten")).findFirst().orElse("forgotten"));
  }

  /** The replica set as this node sees it now, this node included. */
  public Map<String, Node> nodes() {
    return view.get();
  }

  /** What the tracker of each node takes. */
  public sealed interface Command extends todo.CborSerializable {}

  /** Drops a node that is gone for good from the replica set (todo forget). */
  public record Forget(String node, ActorRef<String> replyTo) implements Command {}

  private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

  /** Looks at the cluster again: the state read in an event's handler can lag the event. */
  private enum Refresh implements Command { INSTANCE }

  static final String TRACKER = "replica-set";

  private Behavior<Command> tracker(SqliteStore store, Set<String> initiallyKnown) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      timers.startTimerWithFixedDelay(Refresh.INSTANCE, java.time.Duration.ofMillis(500));
      Cluster cluster = Cluster.get(ctx.getSystem());
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new), ClusterEvent.ClusterDomainEvent.class));
      Set<String> known = new TreeSet<>(initiallyKnown);
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, m -> {
            boolean changed = false;
            for (Member member : cluster.state().getMembers()) {
              if (member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp()) {
                changed |= NodeRoles.node(member.getRoles()).map(known::add).orElse(false);
              }
            }
            if (m.event() instanceof ClusterEvent.MemberRemoved removed && removed.previousStatus() == MemberStatus.exiting()) {
              String node = NodeRoles.node(removed.member().getRoles()).orElse(null);
              boolean twinStillUp = node != null && upMembersNamed(cluster, node) > 0; // a refused duplicate left
              if (node != null && !node.equals(self) && !twinStillUp && known.remove(node)) {
                changed = true;
                log.info("Node {} left gracefully: it is no longer a replica.", node);
              }
            }
            if (changed) save(store, known);
            view.set(compute(known, cluster, resolver));
            return Behaviors.same();
          })
          .onMessage(Refresh.class, m -> {
            view.set(compute(known, cluster, resolver));
            return Behaviors.same();
          })
          .onMessage(Forget.class, m -> {
            view.set(compute(known, cluster, resolver));
            if (m.node().equals(self) || view.get().getOrDefault(m.node(), new Node(m.node(), null, false)).ref() != null) {
              m.replyTo().tell(m.node() + " is a running member: stop it (it then leaves gracefully) instead of forgetting it");
            } else if (known.remove(m.node())) {
              log.info("Node {} was forgotten by an operator: it is no longer a replica.", m.node());
              save(store, known);
              view.set(compute(known, cluster, resolver));
              m.replyTo().tell("forgotten");
            } else {
              m.replyTo().tell("forgotten"); // already: forgetting is idempotent
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static long upMembersNamed(Cluster cluster, String node) {
    return java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
        .filter(m -> NodeRoles.node(m.getRoles()).filter(node::equals).isPresent())
        .count();
  }

  private static void save(SqliteStore store, Set<String> known) {
    Set<String> snapshot = Set.copyOf(known);
    try {
      store.saveReplicaSet(snapshot);
    } catch (java.sql.SQLException e) {
      log.warn("Cannot save the replica set {}: {}", snapshot, e.getMessage());
    }
    log.info("Replica set: {}", new TreeSet<>(snapshot));
  }

  private Map<String, Node> compute(Set<String> known, Cluster cluster, ActorRefResolver resolver) {
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
      NodeRoles.node(m.getRoles()).ifPresent(n -> members.put(n, m));
    }
    Set<Member> unreachable = cluster.state().getUnreachable();
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (String name : known) {
      Member m = members.get(name);
      ActorRef<Replica.Command> ref = m == null ? null
          : resolver.resolveActorRef(m.address() + "/system/" + Replica.NAME);
      nodes.put(name, new Node(name, ref, m != null && !unreachable.contains(m)));
    }
    return Map.copyOf(nodes);
  }
}
