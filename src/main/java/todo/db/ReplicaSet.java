package todo.db;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 * The nodes every change must reach: those that joined and have not left gracefully or
 * been forgotten (DESIGN.md §3). A crashed node stays in the set until it returns, so a
 * lone survivor of two cannot make a majority on its own.
 *
 * <p>Each node keeps, for every node it has heard of, when it last joined and when it was
 * last removed ({@link Stamp}); a node is in the set while its join is the later. The
 * trackers send their stamps to each other every second and take the later of each, so a
 * node that joins after others crashed learns of them too. The stamps are kept in this
 * node's SQLite file, so a node restarted from its folder still knows who holds copies.
 */
public final class ReplicaSet {

  private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);
  static final String TRACKER = "replica-set";

  /** When a node last joined and last left (epoch millis, 0: never). */
  public record Stamp(long added, long removed) implements CborSerializable {
    boolean present() {
      return added > removed;
    }

    Stamp merge(Stamp other) {
      return new Stamp(Math.max(added, other.added), Math.max(removed, other.removed));
    }
  }

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
    Map<String, Stamp> stamps;
    try {
      stamps = new TreeMap<>(store.replicas());
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot read the replica set: " + e.getMessage());
    }
    stamps.merge(self, new Stamp(System.currentTimeMillis(), 0), (old, now) -> old.present() ? old : now);
    // Learn the set the members keep before serving anything: a node that joins after
    // others crashed must count them from its first write on.
    ActorRefResolver resolver = ActorRefResolver.get(system);
    for (Member m : upMembers(Cluster.get(system))) {
      if (nameOf(m).equals(self)) continue;
      ActorRef<Command> tracker = resolver.resolveActorRef(m.address() + "/system/" + TRACKER);
      try {
        AskPattern.<Command, Stamps>ask(tracker, GetStamps::new, Duration.ofSeconds(3), system.scheduler())
            .toCompletableFuture().get(4, java.util.concurrent.TimeUnit.SECONDS)
            .stamps().forEach((node, stamp) -> stamps.merge(node, stamp, Stamp::merge));
      } catch (Exception noAnswer) {
        log.warn("No replica set from {} at start; it comes with the next exchange.", nameOf(m));
      }
    }
    set.view.set(set.compute(stamps, Cluster.get(system), ActorRefResolver.get(system)));
    // it writes the set to SQLite: blocking, so on the database's threads
    system.systemActorOf(set.tracker(store, stamps), TRACKER, DispatcherSelector.fromConfig("todo.db-dispatcher"));
    return set;
  }

  public String self() {
    return self;
  }

  /** The replica set as this node sees it now, this node included. */
  public Map<String, Node> nodes() {
    return view.get();
  }

  /**
   * Drops {@code node}, gone for good, from the replica set of every member, so that the
   * survivors can make a majority without it. Completes with "forgotten", or the reason not.
   */
  public CompletionStage<String> forget(String node) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    List<CompletableFuture<String>> answers = new java.util.ArrayList<>();
    for (Member m : upMembers(Cluster.get(system))) {
      ActorRef<Command> tracker = resolver.resolveActorRef(m.address() + "/system/" + TRACKER);
      answers.add(AskPattern.<Command, String>ask(tracker, r -> new Forget(node, r), Duration.ofSeconds(3), system.scheduler())
          .toCompletableFuture().exceptionally(t -> nameOf(m) + " did not answer"));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(all -> answers.stream().map(CompletableFuture::join)
            .filter(a -> !a.equals("forgotten")).findFirst().orElse("forgotten"));
  }

  // ---- the tracker: one per node, at /system/replica-set

  /** What the tracker of each node takes. */
  public sealed interface Command extends CborSerializable {}

  /** Drops a node that is gone for good from the replica set (todo forget). */
  public record Forget(String node, ActorRef<String> replyTo) implements Command {}

  /** Another node's stamps, to merge. */
  public record Stamps(Map<String, Stamp> stamps) implements Command {}

  /** Asks for this node's stamps (a node that joins does, before it serves). */
  public record GetStamps(ActorRef<Stamps> replyTo) implements Command {}

  private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

  /** Looks at the cluster again and tells the others: the state read in an event's handler can lag the event. */
  private enum Tick implements Command { INSTANCE }

  private Behavior<Command> tracker(SqliteStore store, Map<String, Stamp> initial) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
      Cluster cluster = Cluster.get(ctx.getSystem());
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new), ClusterEvent.ClusterDomainEvent.class));
      Map<String, Stamp> stamps = new TreeMap<>(initial);
      Runnable settle = () -> view.set(compute(stamps, cluster, resolver));
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, m -> {
            boolean changed = seeUpMembers(stamps, cluster);
            if (m.event() instanceof ClusterEvent.MemberRemoved removed && removed.previousStatus() == MemberStatus.exiting()) {
              String node = NodeRoles.node(removed.member().getRoles()).orElse(null);
              boolean twinStillUp = node != null && upMembers(cluster).stream().anyMatch(x -> nameOf(x).equals(node));
              if (node != null && !node.equals(self) && !twinStillUp && remove(stamps, node)) {
                changed = true;
                log.info("Node {} left gracefully: it is no longer a replica.", node);
              }
            }
            if (changed) saveAndTell(store, stamps, cluster, resolver);
            settle.run();
            return Behaviors.same();
          })
          .onMessage(Tick.class, m -> {
            if (seeUpMembers(stamps, cluster)) save(store, stamps);
            tell(stamps, cluster, resolver);
            settle.run();
            return Behaviors.same();
          })
          .onMessage(Stamps.class, m -> {
            Set<String> before = present(stamps);
            m.stamps().forEach((node, stamp) -> stamps.merge(node, stamp, Stamp::merge));
            if (!present(stamps).equals(before) || !stamps.keySet().containsAll(m.stamps().keySet())) save(store, stamps);
            settle.run();
            return Behaviors.same();
          })
          .onMessage(GetStamps.class, m -> {
            m.replyTo().tell(new Stamps(Map.copyOf(stamps)));
            return Behaviors.same();
          })
          .onMessage(Forget.class, m -> {
            settle.run();
            if (m.node().equals(self) || view.get().getOrDefault(m.node(), new Node(m.node(), null, false)).ref() != null) {
              m.replyTo().tell(m.node() + " is a running member: stop it (it then leaves gracefully) instead of forgetting it");
            } else {
              if (remove(stamps, m.node())) {
                log.info("Node {} was forgotten by an operator: it is no longer a replica.", m.node());
                save(store, stamps);
                settle.run();
              }
              m.replyTo().tell("forgotten"); // forgetting is idempotent
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Stamps a join for every Up member not in the set yet; true when one was added. */
  private static boolean seeUpMembers(Map<String, Stamp> stamps, Cluster cluster) {
    boolean changed = false;
    for (Member m : upMembers(cluster)) {
      String node = nameOf(m);
      Stamp stamp = stamps.get(node);
      if (stamp == null || !stamp.present()) {
        long removed = stamp == null ? 0 : stamp.removed();
        stamps.put(node, new Stamp(Math.max(System.currentTimeMillis(), removed + 1), removed));
        changed = true;
      }
    }
    return changed;
  }

  private static boolean remove(Map<String, Stamp> stamps, String node) {
    Stamp stamp = stamps.get(node);
    if (stamp == null || !stamp.present()) return false;
    stamps.put(node, new Stamp(stamp.added(), Math.max(System.currentTimeMillis(), stamp.added() + 1)));
    return true;
  }

  private static Set<String> present(Map<String, Stamp> stamps) {
    Set<String> nodes = new TreeSet<>();
    stamps.forEach((node, stamp) -> {
      if (stamp.present()) nodes.add(node);
    });
    return nodes;
  }

  private void saveAndTell(SqliteStore store, Map<String, Stamp> stamps, Cluster cluster, ActorRefResolver resolver) {
    save(store, stamps);
    tell(stamps, cluster, resolver);
  }

  private void tell(Map<String, Stamp> stamps, Cluster cluster, ActorRefResolver resolver) {
    Stamps message = new Stamps(Map.copyOf(stamps));
    for (Member m : upMembers(cluster)) {
      if (nameOf(m).equals(self)) continue;
      ActorRef<Command> tracker = resolver.resolveActorRef(m.address() + "/system/" + TRACKER);
      tracker.tell(message); // sent again every second: a lost one costs nothing
    }
  }

  private static void save(SqliteStore store, Map<String, Stamp> stamps) {
    try {
      store.saveReplicas(new HashMap<>(stamps));
    } catch (java.sql.SQLException e) {
      log.warn("Cannot save the replica set: {}", e.getMessage());
    }
    log.info("Replica set: {}", present(stamps));
  }

  private static List<Member> upMembers(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
        .filter(m -> NodeRoles.node(m.getRoles()).isPresent())
        .filter(m -> !NodeRoles.isShell(m.getRoles())) // a todo shell holds no data
        .toList();
  }

  private static String nameOf(Member m) {
    return NodeRoles.node(m.getRoles()).orElse(m.address().toString());
  }

  private Map<String, Node> compute(Map<String, Stamp> stamps, Cluster cluster, ActorRefResolver resolver) {
    Map<String, Member> members = new LinkedHashMap<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
      NodeRoles.node(m.getRoles()).ifPresent(n -> members.put(n, m));
    }
    Set<Member> unreachable = cluster.state().getUnreachable();
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (String name : present(stamps)) {
      Member m = members.get(name);
      ActorRef<Replica.Command> ref = m == null ? null : resolver.resolveActorRef(m.address() + "/system/" + Replica.NAME);
      nodes.put(name, new Node(name, ref, m != null && !unreachable.contains(m)));
    }
    if (!nodes.containsKey(self)) nodes.put(self, new Node(self, null, true));
    return Map.copyOf(nodes);
  }
}
