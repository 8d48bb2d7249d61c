package todo.beam;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.Stages;

/**
 * The distribution primitives of one node: its {@link Processes}, the {@link Peers} it is
 * connected to, its {@link NodeAgent}, its {@link Tasks}, its processes' {@link Monitors}, the proxy to the cluster's
 * {@link GlobalRegistry} and its copy of the global names ({@link GlobalNames}).
 * {@code todo start} and {@code todo shell} start one per ActorSystem.
 *
 * <p>The static API ({@link Node}, {@link Dist}, {@link Global}, {@link Pg}, {@link Rpc})
 * acts on {@link #current()}: the node a task's thread runs for, else the JVM's node. That
 * is the one piece of static state, as the BEAM has one node per VM.
 */
public final class DistNode {

  private static final Logger log = LoggerFactory.getLogger(DistNode.class);

  static final Duration ASK = Duration.ofSeconds(10);

  private static volatile DistNode jvmNode;
  private static final ThreadLocal<Binding> BOUND = new ThreadLocal<>();

  /** A thread working for a process of a node (a spawned task, an rpc call). */
  private record Binding(DistNode node, Processes.LocalProcess process) {}

  private final String name;
  private final ActorSystem<?> system;
  final Function<String, Boolean> connector;
  private final Processes processes;
  private final Peers peers;
  private final ActorRef<NodeAgent.Command> agent;
  private final ActorRef<GlobalRegistry.Command> global;
  private final GlobalNames globalNames;
  private final Tasks tasks = new Tasks(this);
  private final Monitors monitors = new Monitors(this);
  /** The threads processes run on (one each, as long as it runs); idle ones end after a minute. */
  private final ExecutorService processThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, IDLE_PROCESS_THREAD);
    t.setDaemon(true);
    return t;
  });
  private static final String IDLE_PROCESS_THREAD = "dist-process (idle)";

  private DistNode(ActorSystem<?> system, String name, Function<String, Boolean> connector) {
    this.name = name;
    this.system = system;
    this.connector = connector;
    this.processes = new Processes(system, name);
    this.agent = system.systemActorOf(NodeAgent.create(this), NodeAgent.NAME, Props.empty());
    this.peers = new Peers(system, name, agent);
    this.globalNames = new GlobalNames(processes, this::registryProxy); // before the registry: it asks every copy at its start
    system.systemActorOf(globalNames.behavior(), GlobalNames.NAME, Props.empty());
    this.global = ClusterSingleton.get(system).init(SingletonActor.of(GlobalRegistry.create(globalNames), "dist-global"));
  }

  /**
   * Starts the primitives on {@code system}, the node {@code name}, and makes it this
   * JVM's node. {@code connector} joins it to another node's cluster ({@link Node#connect}):
   * true once joined, an exception with the reason otherwise.
   */
  public static DistNode start(ActorSystem<?> system, String name, Function<String, Boolean> connector) {
    Console.install();
    DistNode node = new DistNode(system, name, connector);
    jvmNode = node;
    system.getWhenTerminated().thenRun(node.processes::nodeStopped);
    return node;
  }

  /** The node of this JVM (the latest started), for the command that started it. */
  public static DistNode ofThisJvm() {
    DistNode n = jvmNode;
    if (n == null) throw new DistException("this JVM is not a node");
    return n;
  }

  /** The node the calling thread acts for. */
  static DistNode current() {
    Binding b = BOUND.get();
    if (b != null) return b.node();
    DistNode n = jvmNode;
    if (n == null) throw new DistException("this JVM is not a node: run it with todo start or todo shell");
    return n;
  }

  /** Runs {@code body} on this thread as a process of {@code node}: for tests that run several nodes in one JVM. */
  public static <T> T as(DistNode node, Callable<T> body) throws Exception {
    Binding before = BOUND.get();
    BOUND.set(new Binding(node, null));
    try {
      return body.call();
    } finally {
      if (before == null) BOUND.remove();
      else BOUND.set(before);
    }
  }

  public String name() {
    return name;
  }

  ActorSystem<?> system() {
    return system;
  }

  Processes processes() {
    return processes;
  }

  Peers peers() {
    return peers;
  }

  ActorRef<NodeAgent.Command> agent() {
    return agent;
  }

  Tasks tasks() {
    return tasks;
  }

  Monitors monitors() {
    return monitors;
  }

  /** The global registry; a clear error on a shell that has joined no cluster yet. */
  ActorRef<GlobalRegistry.Command> global() {
    if (!peers.isMember()) {
      throw new DistException(name + " is in no cluster yet: Node.connect(\"node1@host\") first "
          + "(a shell joins a cluster on its first connect)");
    }
    return global;
  }

  private ActorRef<GlobalRegistry.Command> registryProxy() {
    return global;
  }

  /** This node's copy of the global names. */
  GlobalNames globalNames() {
    return globalNames;
  }

  // ---- the calling thread's process

  /** The calling thread's process: a spawned task's own, else this node's main process (the shell's). */
  Pid self() {
    return process().pid();
  }

  private Processes.LocalProcess process() {
    Binding b = BOUND.get();
    if (b != null && b.node() == this && b.process() != null) return b.process();
    return processes.main();
  }

  Object receive(Duration timeout) {
    try {
      BlockingQueue<Object> mailbox = process().mailbox();
      return timeout == null ? mailbox.take() : mailbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DistException("receive was interrupted");
    }
  }

  void sendNamed(String label, String node, Object message) {
    if (node.equals(name)) {
      processes.deliverNamed(label, message);
    } else {
      peers.agentOf(node).tell(new NodeAgent.SendNamed(label, Payloads.encode(message)));
    }
  }

  Pid pidOf(ActorRef<?> ref) {
    String path = ActorRefResolver.get(system).toSerializationFormat(ref);
    return processes.pidAt(path).orElseGet(() -> new Pid(peers.nodeAt(ref.path().address()), path));
  }

  /** Waits, at most {@code timeout}, for the tasks this node spawned to end (so their output is printed). */
  public void awaitSpawnedTasks(Duration timeout) {
    tasks.awaitSpawned(timeout);
  }

  /**
   * Runs {@code body} on a thread of its own as the process {@code p} of this node, printing
   * to {@code leader}'s console; when it returns or throws, the process ends, and its
   * monitors are told why ({@link Down#reason}). The thread is one of {@link #processThreads}:
   * an idle one is reused, so a spawn or an rpc call does not start a thread each time.
   */
  void runAsProcess(Processes.LocalProcess p, ActorRef<NodeAgent.Command> leader, String threadName, Runnable body, Runnable atEnd) {
    processThreads.execute(() -> {
      Thread t = Thread.currentThread();
      t.setName(threadName);
      BOUND.set(new Binding(this, p));
      Console.lead(leader);
      Object reason = Down.NORMAL;
      try {
        body.run();
      } catch (Throwable e) {
        reason = e;
        log.warn("Process {} on {} crashed: {}", p.pid(), name, e.toString());
        System.out.println("** process " + p.pid() + " on " + name + " crashed: " + e);
      } finally {
        Console.release();
        atEnd.run();
        monitors.holderEnded(p.pid());
        p.ref().tell(new ProcessActor.Stop(reason));
        BOUND.remove();
        Thread.interrupted(); // the next process starts uninterrupted
        t.setName(IDLE_PROCESS_THREAD);
      }
    });
  }

  /**
   * Asks and waits, turning time-outs and failures into a {@link DistException} that says who
   * did not answer. The calling thread waits on Pekko's own stage: a blocking wait chains no
   * callback on it (see {@link Stages}), and the caller wakes without a hop through a dispatcher.
   */
  <Q, A> A ask(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<A>, Q> message, Duration timeout) {
    try {
      return AskPattern.ask(target, message, timeout, system.scheduler()).toCompletableFuture()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DistException("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new DistException("no answer within " + timeout.toMillis() + " ms");
    }
  }

  <Q, A> CompletionStage<A> askAsync(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<A>, Q> message, Duration timeout) {
    return Stages.on(system.executionContext(), AskPattern.ask(target, message, timeout, system.scheduler()));
  }
}
