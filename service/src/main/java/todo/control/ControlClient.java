package todo.control;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.remote.artery.tcp.SSLEngineProviderSetup;
import org.slf4j.LoggerFactory;
import todo.node.ClientTls;

/**
 * A process that talks to one node's {@link NodeControl} without joining its cluster: the
 * smallest ActorSystem that shows a certificate under the cluster's trust (Pekko's
 * {@code remote} provider: no membership, no gossip, up in a fraction of a second). Each way
 * the node does not answer is an {@link IOException} whose message is one line.
 */
public final class ControlClient implements AutoCloseable {

  private final String node;
  private final ActorSystem<Void> system;
  private final ClientTls tls;
  private final ActorRef<NodeControl.Command> control;
  /** Completes when the remsh session this client opened ends under it (its node stopped or became unreachable). */
  private final CompletableFuture<String> sessionLost = new CompletableFuture<>();
  /** Set once this client ends its session: the session's end is then no loss. */
  private volatile boolean ending;

  private ControlClient(String node, ActorSystem<Void> system, ClientTls tls, ActorRef<NodeControl.Command> control) {
    this.node = node;
    this.system = system;
    this.tls = tls;
    this.control = control;
  }

  /** A client of node {@code node}, listening for other nodes on {@code host:distPort}, for holders of {@code cookie}. */
  public static ControlClient connect(String node, String host, int distPort, String cookie) throws IOException {
    quietLogs();
    String self = "control" + ProcessHandle.current().pid() + "@" + localAddressToward(host, distPort);
    Config config = ConfigFactory.parseMap(Map.of(
        "pekko.actor.provider", "remote",
        // The node answers on a connection it opens to this process: at the address it reaches this host by.
        "pekko.remote.artery.canonical.hostname", self.substring(self.indexOf('@') + 1),
        "pekko.remote.artery.canonical.port", 0,
        // Pekko's 3 s to bind a port is too short for a JVM just started on a loaded host.
        "pekko.remote.artery.bind.bind-timeout", "30s",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off", // close() stops it, within a bound
        "pekko.loglevel", "OFF",
        "pekko.stdout-loglevel", "OFF")).withFallback(ConfigFactory.load());
    ClientTls tls = ClientTls.create(self, cookie, config.getConfig("todo"));
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "todo-control",
          ActorSystemSetup.create(BootstrapSetup.create(config)).and(SSLEngineProviderSetup.create(sys -> tls)));
    } catch (RuntimeException e) {
      throw new IOException("cannot start this command's side of the cluster transport: " + e.getMessage());
    }
    ActorRef<NodeControl.Command> control = ActorRefResolver.get(system)
        .resolveActorRef("pekko://todo@" + host + ":" + distPort + "/system/" + NodeControl.NAME);
    return new ControlClient(node, system, tls, control);
  }

  /** Asks the node's control point; its answer within {@code timeout}. */
  public <R> R ask(Function<ActorRef<R>, NodeControl.Command> request, Duration timeout) throws IOException {
    return ask(control, request, timeout);
  }

  /** Asks an actor of the node (a remsh session); its answer within {@code timeout}. */
  public <Q, R> R ask(RecipientRef<Q> to, Function<ActorRef<R>, Q> request, Duration timeout) throws IOException {
    CompletableFuture<R> answer = AskPattern.<Q, R>ask(to, request::apply, timeout, system.scheduler()).toCompletableFuture();
    try {
      CompletableFuture.anyOf(answer, tls.refused(), sessionLost).get();
      if (answer.isDone()) return answer.get();
      if (sessionLost.isDone()) throw new IOException(sessionLost.get());
      throw new IOException(node + " refused the handshake: is the cookie the cluster's?");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new IOException(node + " did not answer within " + timeout.toSeconds() + " s");
      }
      throw new IOException(node + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + node);
    }
  }

  /** A session in the node that lives as long as this client ({@link RemoteSession}). */
  public ActorRef<RemoteSession.Command> openSession(Duration timeout) throws IOException {
    ActorRef<Void> watched = system.systemActorOf(Behaviors.empty(), "remsh", Props.empty());
    ActorRef<RemoteSession.Command> session =
        ask((ActorRef<NodeControl.SessionOpened> r) -> new NodeControl.OpenSession(watched, r), timeout).session();
    system.systemActorOf(Behaviors.<Void>setup(ctx -> {
      ctx.watch(session);
      return Behaviors.receiveSignal((c, signal) -> {
        if (signal instanceof Terminated && !ending) sessionLost.complete(node + " ended the session: it stopped, or cannot be reached");
        return Behaviors.same();
      });
    }), "remsh-watch", Props.empty());
    return session;
  }

  /** Ends the session: what it has pending is evaluated, and its output returned. */
  public RemoteSession.Output endSession(ActorRef<RemoteSession.Command> session, Duration timeout) throws IOException {
    ending = true;
    return ask(session, RemoteSession.End::new, timeout);
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the command exits anyway
    }
  }

  /** The address of the interface this host reaches {@code host} through (no packet is sent). */
  private static String localAddressToward(String host, int port) throws IOException {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(InetAddress.getByName(host), port);
      return probe.getLocalAddress().getHostAddress();
    }
  }

  /** A command prints its answer and nothing else: the refusals TLS logs are said in its one line. */
  private static void quietLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.OFF);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("todo")).setLevel(Level.OFF);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.OFF);
  }
}
