package todo.node;

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

/** One log line, by node name, for each change of the cluster that an operator cares about. */
public final class ClusterLog {

  private static final Logger log = LoggerFactory.getLogger(ClusterLog.class);

  private ClusterLog() {}

  public static void start(ActorSystem<?> system) {
    system.systemActorOf(behavior(), "cluster-log", Props.empty());
  }

  private static Behavior<ClusterEvent.ClusterDomainEvent> behavior() {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.ClusterDomainEvent.class));
      return Behaviors.receiveMessage(event -> {
        MemberStatus selfStatus = cluster.selfMember().status();
        if (selfStatus == MemberStatus.leaving() || selfStatus == MemberStatus.exiting()
            || selfStatus == MemberStatus.down() || selfStatus == MemberStatus.removed()) {
          return Behaviors.same(); // while this node leaves, the others vanish from its view: no news
        }
        if (event instanceof ClusterEvent.MemberUp e && !NodeRoles.speaksAs(cluster.selfMember(), e.member())) {
          onOtherProtocol(cluster.selfMember(), e.member());
        } else if (event instanceof ClusterEvent.MemberUp e && !e.member().equals(cluster.selfMember())) {
          log.info("Node {} joined the cluster.", name(e.member()));
        } else if (event instanceof ClusterEvent.MemberRemoved e && !e.member().equals(cluster.selfMember())) {
          log.info(e.previousStatus() == MemberStatus.exiting()
              ? "Node {} left the cluster." : "Node {} was removed from the cluster (downed).", name(e.member()));
        } else if (event instanceof ClusterEvent.UnreachableMember e) {
          log.warn("Node {} is unreachable.", name(e.member()));
        } else if (event instanceof ClusterEvent.ReachableMember e) {
          log.info("Node {} is reachable again.", name(e.member()));
        }
        return Behaviors.same();
      });
    });
  }

  /** The one that joined last is refused ({@link ClusterNode}) and its own line says so; the others say it once each. */
  private static void onOtherProtocol(Member self, Member other) {
    if (!self.isOlderThan(other)) return;
    log.warn("Node {} joined speaking protocol {}, this node speaks {}: it is refused (it leaves at once) and serves no lists.",
        name(other), NodeRoles.protocol(other.getRoles()), NodeRoles.protocol(self.getRoles()));
  }

  static String name(Member m) {
    return NodeRoles.node(m.getRoles()).orElse(m.address().toString());
  }
}
