package todo.db;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
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
  private final AtomicReference<Map<String, Node>> view = new AtomicReference<>(Map.of());

  private ReplicaSet(String self) {
    this.self = self;
  }

  static ReplicaSet start(ActorSystem<?> system, SqliteStore store, String self) {
    ReplicaSet set = new ReplicaSet(self);
    Set<String> known;
    try {
      known = new TreeSet<>(store.replicaSet());
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot read the replica set: " + e.getMessage());
    }
    known.add(self);
    set.view.set(set.compute(known, Cluster.get(system), ActorRefResolver.get(system)));
    system.systemActorOf(set.tracker(store, known), "replica-set", Props.empty());
    return set;
  }

  public String self() {
    return self;
  }

  /** The replica set as this node sees it now, this node included. */
  public Map<String, Node> nodes() {
    return view.get();
  }

  private Behavior<ClusterEvent.ClusterDomainEvent> tracker(SqliteStore store, Set<String> initiallyKnown) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.ClusterDomainEvent.class));
      Set<String> known = new TreeSet<>(initiallyKnown);
      return Behaviors.receiveMessage(event -> {
        boolean changed = false;
        for (Member m : cluster.state().getMembers()) {
          if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
            changed |= NodeRoles.node(m.getRoles()).map(known::add).orElse(false);
          }
        }
        if (event instanceof ClusterEvent.MemberRemoved removed && removed.previousStatus() == MemberStatus.exiting()) {
          String node = NodeRoles.node(removed.member().getRoles()).orElse(null);
          if (node != null && !node.equals(self) && known.remove(node)) {
            changed = true;
            log.info("Node {} left gracefully: it is no longer a replica.", node);
          }
        }
        if (changed) {
          Set<String> snapshot = Set.copyOf(known);
          try {
            store.saveReplicaSet(snapshot);
          } catch (java.sql.SQLException e) {
            log.warn("Cannot save the replica set {}: {}", snapshot, e.getMessage());
          }
          log.info("Replica set: {}", new TreeSet<>(snapshot));
        }
        view.set(compute(known, cluster, resolver));
        return Behaviors.same();
      });
    });
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
