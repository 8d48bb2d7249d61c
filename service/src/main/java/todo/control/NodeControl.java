package todo.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.beam.Console;
import todo.node.MemberStates;
import todo.node.NodeRoles;
import todo.shell.Shell;

/**
 * A node's control point, as a release's {@code bin/app} has one: {@code /system/todo-control}
 * answers {@code todo ping}, {@code nodes}, {@code stop}, {@code rpc} and opens
 * {@code shell --remsh} sessions ({@link RemoteSession}). It is reached over the cluster's
 * transport, so only a process that holds the cookie gets a message to it (mutual TLS under
 * the cookie's CA), member of the cluster or not ({@link ControlClient}).
 */
public final class NodeControl {

  public static final String NAME = "todo-control";

  private static final Logger log = LoggerFactory.getLogger(NodeControl.class);

  public sealed interface Command extends CborSerializable {}

  public record Ping(ActorRef<Pong> replyTo) implements Command {}

  public record Pong(String node) implements CborSerializable {}

  public record ListNodes(ActorRef<Nodes> replyTo) implements Command {}

  /** This node first, then the other members, each with its status as the page shows it. */
  public record Nodes(List<NodeStatus> nodes) implements CborSerializable {}

  public record NodeStatus(String node, String status) implements CborSerializable {}

  /** Leave as on SIGTERM; answered as the shutdown begins. */
  public record Stop(ActorRef<Stopping> replyTo) implements Command {}

  public record Stopping(String node) implements CborSerializable {}

  /** {@code source} evaluated in this node by a JShell of its own, as {@code todo shell --eval} does. */
  public record Eval(String source, ActorRef<Evaluated> replyTo) implements Command {}

  /** What JShell and the snippets printed; {@code failure}: the first failure's message, or null. */
  public record Evaluated(String output, String failure) implements CborSerializable {}

  /** A remsh session for {@code client}, which the session watches: it ends when the client goes. */
  public record OpenSession(ActorRef<Void> client, ActorRef<SessionOpened> replyTo) implements Command {}

  public record SessionOpened(ActorRef<RemoteSession.Command> session) implements CborSerializable {}

  /** Why the node stops when {@code todo stop} asks. */
  private enum StopAsked implements CoordinatedShutdown.Reason { INSTANCE }

  private final ActorContext<Command> ctx;
  private final String node;
  /** rpc evaluations: blocking (JShell compiles), one thread each, off Pekko's dispatchers. */
  private final ExecutorService evaluations = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "todo-rpc");
    t.setDaemon(true);
    return t;
  });
  private int sessions;

  private NodeControl(ActorContext<Command> ctx, String node) {
    this.ctx = ctx;
    this.node = node;
  }

  /** Starts the control point of node {@code node} on {@code system}. */
  public static void start(ActorSystem<?> system, String node) {
    Console.install();
    system.systemActorOf(Behaviors.<Command>setup(ctx -> new NodeControl(ctx, node).behavior()), NAME, Props.empty());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Ping.class, m -> {
          m.replyTo().tell(new Pong(node));
          return Behaviors.same();
        })
        .onMessage(ListNodes.class, this::onListNodes)
        .onMessage(Stop.class, this::onStop)
        .onMessage(Eval.class, this::onEval)
        .onMessage(OpenSession.class, this::onOpenSession)
        .onSignal(PostStop.class, s -> {
          evaluations.shutdownNow();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onListNodes(ListNodes m) {
    Cluster cluster = Cluster.get(ctx.getSystem());
    ClusterEvent.CurrentClusterState state = cluster.state();
    java.util.Set<Member> unreachable = state.getUnreachable();
    List<NodeStatus> nodes = new ArrayList<>();
    nodes.add(new NodeStatus(node, MemberStates.status(cluster.selfMember(), unreachable)));
    for (Member member : state.getMembers()) {
      if (!member.equals(cluster.selfMember())) nodes.add(new NodeStatus(NodeRoles.node(member.getRoles()).orElse(member.address().toString()), MemberStates.status(member, unreachable)));
    }
    m.replyTo().tell(new Nodes(nodes));
    return Behaviors.same();
  }

  private Behavior<Command> onStop(Stop m) {
    log.info("Node {} stops: todo stop asked, from {}.", node, m.replyTo().path().address());
    m.replyTo().tell(new Stopping(node));
    CoordinatedShutdown.get(ctx.getSystem()).runAll(StopAsked.INSTANCE); // as on SIGTERM
    return Behaviors.same();
  }

  private Behavior<Command> onEval(Eval m) {
    log.info("Node {} evaluates an rpc from {}: {}", node, m.replyTo().path().address(), Evaluation.brief(m.source()));
    CompletableFuture.runAsync(() -> {
      Evaluation.Result r = Evaluation.run(out -> new Shell(null).eval(m.source(), out).failure());
      m.replyTo().tell(new Evaluated(r.output(), r.failure()));
    }, evaluations);
    return Behaviors.same();
  }

  private Behavior<Command> onOpenSession(OpenSession m) {
    String name = "remsh-" + ++sessions;
    log.info("Node {} opens remsh session {} for {}.", node, sessions, m.client().path().address());
    m.replyTo().tell(new SessionOpened(ctx.spawn(RemoteSession.create(node, name, m.client()), name)));
    return Behaviors.same();
  }
}
