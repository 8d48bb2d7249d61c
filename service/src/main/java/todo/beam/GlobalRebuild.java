package todo.beam;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.Members;

/**
 * How a {@link GlobalRegistry} that starts (first, or on another node after its node left
 * or crashed) learns the names already held: it asks every member's {@link GlobalNames}
 * copy which names its own live processes hold, and keeps commands waiting meanwhile.
 *
 * <p>Netsplits: the Split Brain Resolver downs the minority side, so one side keeps the
 * registry and the other's nodes stop. Should the rebuild still find one name held by two
 * processes, the process on the older node keeps it; the other process loses the name and
 * gets a {@link GlobalNameConflict} message.
 */
final class GlobalRebuild {

  private static final Logger log = LoggerFactory.getLogger(GlobalRebuild.class);

  private GlobalRebuild() {}

  /** Gathers the names, then becomes {@code serving} of them with the waiting commands. */
  static Behavior<GlobalRegistry.Command> gather(ActorContext<GlobalRegistry.Command> ctx, StashBuffer<GlobalRegistry.Command> stash,
      Function<Map<String, Pid>, Behavior<GlobalRegistry.Command>> serving) {
    ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
    List<Member> members = Members.up(Cluster.get(ctx.getSystem()));
    for (Member m : members) {
      ActorRef<GlobalNames.Command> copy = resolver.resolveActorRef(m.address() + "/system/" + GlobalNames.NAME);
      ctx.ask(GlobalNames.Holds.class, copy, Duration.ofSeconds(3), GlobalNames.GetHolds::new,
          (holds, failure) -> holds != null ? new GlobalRegistry.HeldOn(holds.held()) : new GlobalRegistry.Unanswered(m.address().toString()));
    }
    Map<String, Pid> names = new HashMap<>();
    int[] waiting = {members.size()};
    if (waiting[0] == 0) return stash.unstashAll(serving.apply(names));
    return Behaviors.receive(GlobalRegistry.Command.class)
        .onMessage(GlobalRegistry.HeldOn.class, m -> {
          for (GlobalNames.Held h : m.held()) keepOne(ctx, names, h.name(), h.pid());
          return --waiting[0] == 0 ? stash.unstashAll(serving.apply(names)) : Behaviors.same();
        })
        .onMessage(GlobalRegistry.Unanswered.class, m -> {
          log.warn("The global registry was rebuilt without the names of {}: it did not answer.", m.node());
          return --waiting[0] == 0 ? stash.unstashAll(serving.apply(names)) : Behaviors.same();
        })
        .onAnyMessage(m -> {
          stash.stash(m);
          return Behaviors.same();
        })
        .build();
  }

  /** The same name held by two processes: the one on the older node keeps it. */
  private static void keepOne(ActorContext<GlobalRegistry.Command> ctx, Map<String, Pid> names, String name, Pid pid) {
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
  }

  private static boolean olderNode(ActorContext<GlobalRegistry.Command> ctx, Pid a, Pid b) {
    Member ma = memberOf(ctx, a);
    Member mb = memberOf(ctx, b);
    if (ma == null || mb == null) return mb == null;
    return ma.equals(mb) ? a.ref().compareTo(b.ref()) <= 0 : ma.isOlderThan(mb);
  }

  private static Member memberOf(ActorContext<GlobalRegistry.Command> ctx, Pid pid) {
    Address a = ref(ctx, pid).path().address();
    Cluster cluster = Cluster.get(ctx.getSystem());
    if (a.hasLocalScope()) return cluster.selfMember();
    for (Member m : cluster.state().getMembers()) if (m.address().equals(a)) return m;
    return null;
  }

  private static ActorRef<ProcessActor.Command> ref(ActorContext<GlobalRegistry.Command> ctx, Pid pid) {
    return ActorRefResolver.get(ctx.getSystem()).resolveActorRef(pid.ref());
  }
}
