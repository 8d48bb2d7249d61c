package todo.beam;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.node.Members;

/**
 * The cluster's global names ({@link Global}): one actor in the whole cluster, a Cluster
 * Singleton on the oldest node, so registrations are decided in one place, one at a time,
 * and of racing registrations exactly one wins.
 *
 * <p>It watches every registered process: a name is freed when its process ends or its
 * node is removed from the cluster (crashed and downed, or left). Each holder's node
 * remembers its processes' names ({@link NodeAgent.Hold}); when the singleton moves to
 * another node (its node left or crashed), the new one rebuilds the names from those
 * memories before it answers anything.
 *
 * <p>Netsplits: the Split Brain Resolver downs the minority side, so one side keeps the
 * registry and the other's nodes stop. Should the rebuild still find one name held by two
 * processes, the process on the older node keeps it; the other process loses the name and
 * gets a {@link GlobalNameConflict} message.
 */
final class GlobalRegistry {

  private static final Logger log = LoggerFactory.getLogger(GlobalRegistry.class);

  private GlobalRegistry() {}

  sealed interface Command extends CborSerializable {}

  record Register(String name, Pid pid, ActorRef<Registered> replyTo) implements Command {}

  record Registered(boolean yes) implements CborSerializable {}

  record Whereis(String name, ActorRef<Where> replyTo) implements Command {}

  /** The holder, or null. */
  record Where(Pid pid) implements CborSerializable {}

  record Unregister(String name, ActorRef<Registered> replyTo) implements Command {}

  private record Rebuilt(List<NodeAgent.Held> held) implements Command {}

  private record Unanswered(String node) implements Command {}

  static Behavior<Command> create() {
    return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx ->
        rebuilding(ctx, stash, Members.up(Cluster.get(ctx.getSystem())))));
  }

  /** Asks every member for the names its processes hold, then serves; commands wait meanwhile. */
  private static Behavior<Command> rebuilding(ActorContext<Command> ctx, StashBuffer<Command> stash, List<Member> members) {
    ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
    for (Member m : members) {
      ActorRef<NodeAgent.Command> agent = resolver.resolveActorRef(m.address() + "/system/" + NodeAgent.NAME);
      ctx.ask(NodeAgent.Holds.class, agent, Duration.ofSeconds(3), NodeAgent.GetHolds::new,
          (holds, failure) -> holds != null ? new Rebuilt(holds.held()) : new Unanswered(m.address().toString()));
    }
    Map<String, Pid> names = new HashMap<>();
    int[] waiting = {members.size()};
    if (waiting[0] == 0) return stash.unstashAll(serving(ctx, names));
    return Behaviors.receive(Command.class)
        .onMessage(Rebuilt.class, m -> {
          for (NodeAgent.Held h : m.held()) keepOne(ctx, names, h.name(), h.pid());
          return --waiting[0] == 0 ? done(ctx, stash, names) : Behaviors.same();
        })
        .onMessage(Unanswered.class, m -> {
          log.warn("The global registry was rebuilt without the names of {}: it did not answer.", m.node());
          return --waiting[0] == 0 ? done(ctx, stash, names) : Behaviors.same();
        })
        .onAnyMessage(m -> {
          stash.stash(m);
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> done(ActorContext<Command> ctx, StashBuffer<Command> stash, Map<String, Pid> names) {
    names.values().forEach(pid -> ctx.watch(ref(ctx, pid)));
    if (!names.isEmpty()) log.info("Global registry ready on this node with {} name(s).", names.size());
    return stash.unstashAll(serving(ctx, names));
  }

  /** The same name held by two processes: the one on the older node keeps it. */
  private static void keepOne(ActorContext<Command> ctx, Map<String, Pid> names, String name, Pid pid) {
    Pid other = names.get(name);
    if (other == null || other.equals(pid)) {
      names.put(name, pid);
      return;
    }
    Pid keeper = olderNode(ctx, other, pid) ? other : pid;
    Pid loser = keeper == other ? pid : other;
    names.put(name, keeper);
    log.warn("The global name {} was held by both {} and {}: {} keeps it, on the older node.", name, keeper, loser, keeper);
    ref(ctx, loser).tell(new ProcessActor.Deliver(Payloads.encode(new GlobalNameConflict(name, keeper))));
    agentOf(ctx, loser).tell(new NodeAgent.Release(name, loser));
  }

  private static boolean olderNode(ActorContext<Command> ctx, Pid a, Pid b) {
    Member ma = memberOf(ctx, a);
    Member mb = memberOf(ctx, b);
    if (ma == null || mb == null) return mb == null;
    return ma.equals(mb) ? a.ref().compareTo(b.ref()) <= 0 : ma.isOlderThan(mb);
  }

  private static Member memberOf(ActorContext<Command> ctx, Pid pid) {
    Address a = ref(ctx, pid).path().address();
    Cluster cluster = Cluster.get(ctx.getSystem());
    if (a.hasLocalScope()) return cluster.selfMember();
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) if (m.address().equals(a)) return m;
    return null;
  }

  private static Behavior<Command> serving(ActorContext<Command> ctx, Map<String, Pid> names) {
    return Behaviors.receive(Command.class)
        .onMessage(Register.class, m -> {
          Pid had = names.get(m.name());
          if (had != null) {
            m.replyTo().tell(new Registered(had.equals(m.pid())));
            return Behaviors.same();
          }
          names.put(m.name(), m.pid());
          ctx.watch(ref(ctx, m.pid()));
          agentOf(ctx, m.pid()).tell(new NodeAgent.Hold(m.name(), m.pid()));
          m.replyTo().tell(new Registered(true));
          return Behaviors.same();
        })
        .onMessage(Whereis.class, m -> {
          m.replyTo().tell(new Where(names.get(m.name())));
          return Behaviors.same();
        })
        .onMessage(Unregister.class, m -> {
          Pid had = names.remove(m.name());
          if (had != null) {
            agentOf(ctx, had).tell(new NodeAgent.Release(m.name(), had));
            if (!names.containsValue(had)) ctx.unwatch(ref(ctx, had));
          }
          m.replyTo().tell(new Registered(had != null));
          return Behaviors.same();
        })
        .onMessage(Rebuilt.class, m -> Behaviors.same())
        .onMessage(Unanswered.class, m -> Behaviors.same())
        .onSignal(Terminated.class, t -> {
          String gone = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(t.getRef());
          names.entrySet().removeIf(e -> {
            boolean dead = e.getValue().ref().equals(gone) || sameActor(ctx, e.getValue(), t.getRef());
            if (dead) log.info("Global name {} is free: its process {} ended.", e.getKey(), e.getValue());
            return dead;
          });
          return Behaviors.same();
        })
        .build();
  }

  private static boolean sameActor(ActorContext<Command> ctx, Pid pid, ActorRef<Void> ref) {
    return ref(ctx, pid).path().equals(ref.path());
  }

  private static ActorRef<ProcessActor.Command> ref(ActorContext<Command> ctx, Pid pid) {
    return ActorRefResolver.get(ctx.getSystem()).resolveActorRef(pid.ref());
  }

  private static ActorRef<NodeAgent.Command> agentOf(ActorContext<Command> ctx, Pid pid) {
    return ActorRefResolver.get(ctx.getSystem()).resolveActorRef(ref(ctx, pid).path().address() + "/system/" + NodeAgent.NAME);
  }
}
