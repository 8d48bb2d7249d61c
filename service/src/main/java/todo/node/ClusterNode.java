package todo.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.remote.artery.tcp.SSLEngineProviderSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.log.NodeLog;

/**
 * A node as the BEAM has one: a named cluster member that trusts only holders of the
 * cookie, is registered with its host's port mapper, and is joined to the nodes it was
 * told to connect to (or forms a cluster of its own).
 */
public final class ClusterNode {

  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private ClusterNode() {}

  /** Starts the node's ActorSystem and returns once it is an Up member. */
  public static ActorSystem<Void> start(NodeSettings s) {
    NodeLog.name(s.node());
    EpmdClient epmd = new EpmdClient(s.epmdPort());
    // A node first in its own --connect list is its cluster's first seed node (Pekko's rule, and
    // a StatefulSet's first pod): it joins any of the others that is up, or forms the cluster.
    boolean founder = !s.connect().isEmpty() && s.connect().get(0).equals(s.node());
    List<String> others = s.connect().stream().filter(n -> !n.equals(s.node())).toList();
    List<Address> seeds = new ArrayList<>(addressesOf(others, epmd, !founder)); // fail before anything starts
    ActorSystem<Void> system = startMember(s, s.config(s.distPorts().firstFree(NodeName.host(s.node()))), epmd);
    try {
      Cluster cluster = Cluster.get(system);
      if (founder) {
        seeds.add(0, cluster.selfMember().address());
        log.info("Node {} is first of its --connect list: it forms the cluster unless one of [{}] is up to join.",
            s.node(), String.join(", ", others));
      } else if (!seeds.isEmpty()) {
        log.info("Node {} is joining the cluster of {}.", s.node(), String.join(", ", others));
      }
      if (seeds.isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      } else {
        cluster.manager().tell(new JoinSeedNodes(seeds));
      }
      awaitUp(system, s);
      refuseOtherProtocol(cluster);
      refuseTakenName(cluster, s.node());
      DeadNodeDowning.start(system, epmd, s.cluster());
      return system;
    } catch (RuntimeException e) {
      terminate(system);
      throw e;
    }
  }

  /**
   * Starts a node of {@code todo shell}: registered with the port mapper and able to send
   * and receive, but a member of no cluster until {@link #join}. Its roles say it is a
   * shell, so it never counts as a replica of the to-do data.
   */
  public static ActorSystem<Void> startUnjoined(NodeSettings s) {
    NodeLog.name(s.node());
    int distPort = s.distPorts().firstFree(NodeName.host(s.node()));
    Config config = ConfigFactory.parseMap(Map.of("pekko.cluster.roles",
        ConfigValueFactory.fromIterable(List.of(NodeRoles.nodeRole(s.node()), NodeRoles.protocolRole(s.cluster().protocol()),
            NodeRoles.SHELL)))).withFallback(s.config(distPort));
    return startMember(s, config, new EpmdClient(s.epmdPort()));
  }

  /** Joins an unjoined node ({@link #startUnjoined}) to the cluster of {@code node}; returns once it is Up. */
  public static void join(ActorSystem<?> system, NodeSettings s, String node) {
    EpmdClient epmd = new EpmdClient(s.epmdPort());
    List<Address> seeds = addressesOf(List.of(node), epmd);
    Cluster cluster = Cluster.get(system);
    log.info("Node {} is joining the cluster of {}.", s.node(), node);
    cluster.manager().tell(new JoinSeedNodes(seeds));
    awaitUp(system, s.connectingTo(List.of(node)));
    refuseOtherProtocol(cluster);
    refuseTakenName(cluster, s.node());
    DeadNodeDowning.start(system, epmd, s.cluster());
  }

  private static ActorSystem<Void> startMember(NodeSettings s, Config config, EpmdClient epmd) {
    ClusterTls tls = ClusterTls.create(s.node(), s.cookie(), s.cluster().certificates());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "todo",
        ActorSystemSetup.create(BootstrapSetup.create(config)).and(SSLEngineProviderSetup.create(sys -> tls)));
    try {
      register(system, epmd, s, Cluster.get(system).selfMember().address().getPort().orElseThrow());
      ClusterLog.start(system);
      return system;
    } catch (RuntimeException e) {
      terminate(system);
      throw e;
    }
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // stopping anyway: the process exits with the reason the caller gives
    }
  }

  /** The cluster addresses of {@code nodes}, from their hosts' port mappers (on {@code epmdPort}). */
  public static List<Address> addressesOf(List<String> nodes, int epmdPort) {
    return addressesOf(nodes, new EpmdClient(epmdPort));
  }

  static List<Address> addressesOf(List<String> nodes, EpmdClient epmd) {
    return addressesOf(nodes, epmd, true);
  }

  /**
   * The cluster addresses of those of {@code nodes} registered with their hosts' port mappers,
   * with a warning for each of the others; when none is and {@code oneNeeded}, the node cannot start.
   */
  private static List<Address> addressesOf(List<String> nodes, EpmdClient epmd, boolean oneNeeded) {
    List<Address> addresses = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String node : nodes) {
      String host = NodeName.host(node);
      try {
        Optional<Integer> port = epmd.portOf(host, NodeName.shortName(node));
        if (port.isPresent()) addresses.add(new Address("pekko", "todo", host, port.get()));
        else problems.add(node + " is not registered with the port mapper of " + host + " (port " + epmd.port() + ")");
      } catch (IOException e) {
        problems.add("no port mapper answers on " + host + ":" + epmd.port() + " (" + e.getMessage() + ")");
      }
    }
    if (oneNeeded && addresses.isEmpty() && !nodes.isEmpty()) throw new CannotStart("cannot connect: " + String.join("; ", problems));
    problems.forEach(p -> log.warn("Skipping a node to connect to: {}", p));
    return addresses;
  }

  private static void register(ActorSystem<?> system, EpmdClient epmd, NodeSettings s, int distPort) {
    String node = s.node();
    EpmdRegistration registration;
    try {
      registration = EpmdRegistration.start(epmd, NodeName.shortName(node), distPort,
          s.httpUrl().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (EpmdClient.NameTaken taken) {
      throw new BadSettings("the node name " + node + " is taken: another node on this host runs as "
          + NodeName.shortName(node) + " (epmd -names lists it)");
    } catch (IOException e) {
      throw new CannotStart("cannot register " + node + " with a port mapper: " + e.getMessage());
    }
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "epmd-unregister", () -> {
      registration.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private static void awaitUp(ActorSystem<?> system, NodeSettings s) {
    Cluster cluster = Cluster.get(system);
    Duration timeout = s.cluster().joinTimeout();
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > giveUpAt) {
        throw new CannotStart("node " + s.node() + " could not join " + String.join(", ", s.connect()) + " within "
            + timeout.toSeconds() + " s (a different cookie? see the lines above)");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CannotStart("interrupted while joining");
      }
    }
  }

  /**
   * A cluster speaks one {@link Protocol}: a node that finds a member speaking another leaves
   * at once, before anything of its own (store, list servers, HTTP) has started.
   */
  private static void refuseOtherProtocol(Cluster cluster) {
    Member self = cluster.selfMember();
    for (Member m : Members.up(cluster)) {
      if (!NodeRoles.speaksAs(self, m)) {
        cluster.manager().tell(new Leave(self.address()));
        throw new CannotStart(Protocol.refusal(ClusterLog.name(m), NodeRoles.protocol(m.getRoles()), NodeRoles.protocol(self.getRoles())));
      }
    }
  }

  /** A name is unique in a cluster: a second node with a taken name leaves, the first keeps running. */
  private static void refuseTakenName(Cluster cluster, String node) {
    for (Member m : Members.up(cluster)) {
      if (m.equals(cluster.selfMember())) continue;
      if (NodeRoles.node(m.getRoles()).filter(node::equals).isPresent()) {
        cluster.manager().tell(new Leave(cluster.selfMember().address()));
        throw new BadSettings("the node name " + node + " is taken in this cluster (by the member at " + m.address() + ")");
      }
    }
  }
}
