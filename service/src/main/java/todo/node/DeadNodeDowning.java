package todo.node;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs a member at once when it is proven dead, instead of waiting out the Split Brain
 * Resolver. Proof takes two facts: its host's port mapper no longer lists it at its port
 * (the registration closed, which the kernel does the moment the process dies), and its
 * port refuses connections (nothing listens there). A node that is merely silent (a
 * partition, a long pause, a dead host) fails the second test: its port does not refuse,
 * it times out. Such a node gets the Resolver's safe wait instead.
 */
public final class DeadNodeDowning {

  private static final Logger log = LoggerFactory.getLogger(DeadNodeDowning.class);

  private final Cluster cluster;
  private final EpmdClient epmd;
  private final Duration probeTimeout;
  private final org.apache.pekko.actor.ActorRefProvider provider;

  private DeadNodeDowning(ActorSystem<?> system, EpmdClient epmd, Duration probeTimeout) {
    this.cluster = Cluster.get(system);
    this.provider = ((org.apache.pekko.actor.ExtendedActorSystem) system.classicSystem()).provider();
    this.epmd = epmd;
    this.probeTimeout = probeTimeout;
  }

  /** Checks every member each {@link ClusterSettings#deadNodeCheckInterval}, on a thread of its own. */
  public static void start(ActorSystem<?> system, EpmdClient epmd, ClusterSettings settings) {
    DeadNodeDowning d = new DeadNodeDowning(system, epmd, settings.deadNodeProbeTimeout());
    Duration every = settings.deadNodeCheckInterval();
    system.scheduler().scheduleWithFixedDelay(every, every, d::checkAll,
        system.dispatchers().lookup(DispatcherSelector.fromConfig("todo.dead-node-check.dispatcher")));
  }

  private void checkAll() {
    Member self = cluster.selfMember();
    if (self.status() != MemberStatus.up()) return; // a leaving node downs nobody
    Map<String, Map<String, Integer>> namesByHost = new HashMap<>();
    for (Member m : Members.up(cluster)) {
      if (m.equals(self)) continue;
      Address a = m.address();
      String host = a.getHost().orElse(null);
      int port = a.getPort().orElse(-1);
      String name = NodeRoles.node(m.getRoles()).map(NodeName::shortName).orElse(null);
      if (host == null || port < 0 || name == null) continue;
      Map<String, Integer> names = namesByHost.computeIfAbsent(host, this::namesOrNone);
      if (names != null && Integer.valueOf(port).equals(names.get(name))) continue; // registered: alive
      if (refuses(host, port)) {
        log.warn("Node {} is dead: gone from the port mapper of {} and its port {} refuses connections. Downing it now.",
            NodeRoles.node(m.getRoles()).orElse(a.toString()), host, port);
        quarantine(m);
        cluster.manager().tell(new Down(a));
      }
    }
  }

  /**
   * Marks the dead incarnation unreachable now rather than after the failure detector's
   * pause: Pekko removes a downed member only once it is unreachable. Quarantine bars that
   * incarnation (its uid) for good, which is right for a process that is gone; a restarted
   * node comes back with a new uid. (RemoteActorRefProvider is Pekko's internal API.)
   */
  private void quarantine(Member m) {
    if (provider instanceof org.apache.pekko.remote.RemoteActorRefProvider remote) {
      remote.quarantine(m.address(), scala.Option.apply((Object) m.uniqueAddress().longUid()), "proven dead");
    }
  }

  /** The names registered on {@code host}, or null when its port mapper does not answer. */
  private Map<String, Integer> namesOrNone(String host) {
    try {
      return epmd.names(host);
    } catch (IOException e) {
      return null;
    }
  }

  private boolean refuses(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) probeTimeout.toMillis());
      return false; // something listens: not dead
    } catch (ConnectException refused) {
      return refused.getMessage() == null || refused.getMessage().contains("refused");
    } catch (IOException silent) {
      return false; // a time-out proves nothing
    }
  }
}
