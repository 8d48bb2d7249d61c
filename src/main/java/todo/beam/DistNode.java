package todo.beam;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.node.Members;
import todo.node.NodeRoles;

/**
 * The distribution primitives of one node: its processes and their mailboxes, its local
 * names, its {@link NodeAgent}, and the proxy to the cluster's {@link GlobalRegistry}.
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
  private record Binding(DistNode node, LocalProcess process) {}

  /** A process of this node: its pid, its actor and the mailbox its actor fills. */
  record LocalProcess(Pid pid, ActorRef<ProcessActor.Command> ref, BlockingQueue<Object> mailbox) {}

  private final String name;
  private final ActorSystem<?> system;
  private final ActorRefResolver resolver;
  final Function<String, Boolean> connector;
  private final Map<String, LocalProcess> processes = new ConcurrentHashMap<>();
  private final Map<String, Pid> names = new ConcurrentHashMap<>();
  private final Map<String, Pid> holds = new ConcurrentHashMap<>();
  private final Map<String, Set<Pid>> groups = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final ActorRef<NodeAgent.Command> agent;
  private final ActorRef<GlobalRegistry.Command> global;
  private final Tasks tasks = new Tasks(this);
  private volatile LocalProcess main;

  private DistNode(ActorSystem<?> system, String name, Function<String, Boolean> connector) {
    this.name = name;
    this.system = system;
    this.resolver = ActorRefResolver.get(system);
    this.connector = connector;
    this.agent = system.systemActorOf(NodeAgent.create(this), NodeAgent.NAME, org.apache.pekko.actor.typed.Props.empty());
    this.global = ClusterSingleton.get(system).init(SingletonActor.of(GlobalRegistry.create(), "dist-global"));
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
    system.getWhenTerminated().thenRun(node::stopped);
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
  public static <T> T as(DistNode node, java.util.concurrent.Callable<T> body) throws Exception {
    Binding before = BOUND.get();
    BOUND.set(new Binding(node, null));
    try {
      return body.call();
    } finally {
      if (before == null) BOUND.remove();
      else BOUND.set(before);
    }
  }

  private void stopped() {
    for (LocalProcess p : processes.values()) p.mailbox().add(new NodeDown(name));
  }

  public String name() {
    return name;
  }

  ActorSystem<?> system() {
    return system;
  }

  /** The global registry; a clear error on a shell that has joined no cluster yet. */
  ActorRef<GlobalRegistry.Command> global() {
    if (!isMember()) {
      throw new DistException(name + " is in no cluster yet: Node.connect(\"node1@host\") first "
          + "(a shell joins a cluster on its first connect)");
    }
    return global;
  }

  Map<String, Pid> holds() {
    return holds;
  }

  List<NodeAgent.Held> liveHolds() {
    return holds.entrySet().stream().filter(e -> processes.containsKey(e.getValue().ref()))
        .map(e -> new NodeAgent.Held(e.getKey(), e.getValue())).toList();
  }

  // ---- processes and mailboxes

  /** The calling thread's process: a spawned task's own, else this node's main process (the shell's). */
  Pid self() {
    return process().pid();
  }

  private LocalProcess process() {
    Binding b = BOUND.get();
    if (b != null && b.node() == this && b.process() != null) return b.process();
    LocalProcess m = main;
    if (m == null) {
      synchronized (this) {
        if (main == null) main = newProcess("main");
        m = main;
      }
    }
    return m;
  }

  LocalProcess newProcess(String label) {
    BlockingQueue<Object> mailbox = new LinkedBlockingQueue<>();
    String actorName = label + "-" + ids.incrementAndGet();
    ActorRef<ProcessActor.Command>[] self = new ActorRef[1];
    self[0] = system.systemActorOf(ProcessActor.create(name, mailbox, () -> ended(self[0])), actorName,
        org.apache.pekko.actor.typed.Props.empty());
    LocalProcess p = new LocalProcess(new Pid(name, resolver.toSerializationFormat(self[0])), self[0], mailbox);
    processes.put(p.pid().ref(), p);
    return p;
  }

  private void ended(ActorRef<ProcessActor.Command> ref) {
    LocalProcess p = processes.remove(resolver.toSerializationFormat(ref));
    if (p != null) {
      names.values().removeIf(p.pid()::equals);
      groups.values().forEach(members -> members.remove(p.pid()));
    }
  }

  // ---- this node's members of process groups (Pg)

  void joinedLocally(String group, Pid pid) {
    groups.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(pid);
  }

  void leftLocally(String group, Pid pid) {
    groups.getOrDefault(group, Set.of()).remove(pid);
  }

  Set<Pid> localGroup(String group) {
    return Set.copyOf(groups.getOrDefault(group, Set.of()));
  }

  void send(Pid to, Object message) {
    LocalProcess local = processes.get(to.ref());
    if (local != null) {
      local.mailbox().add(message); // same node: no copy, as a local object
    } else if (!to.node().equals(name)) {
      refOf(to).tell(new ProcessActor.Deliver(Payloads.encode(message)));
    } // a process of this node that has ended: dropped, as on the BEAM
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

  ActorRef<ProcessActor.Command> refOf(Pid pid) {
    return resolver.resolveActorRef(pid.ref());
  }

  boolean isLocal(Pid pid) {
    return processes.containsKey(pid.ref());
  }

  Optional<ActorRef<ProcessActor.Command>> localRef(Pid pid) {
    return Optional.ofNullable(processes.get(pid.ref())).map(LocalProcess::ref);
  }

  Pid pidOf(ActorRef<?> ref) {
    String path = resolver.toSerializationFormat(ref);
    LocalProcess local = processes.get(path);
    if (local != null) return local.pid();
    Address a = ref.path().address();
    String node = members().stream().filter(m -> m.address().equals(a)).findFirst()
        .flatMap(m -> NodeRoles.node(m.getRoles())).orElse(a.toString());
    return new Pid(node, path);
  }

  // ---- local names (Process.register)

  void register(String label, Pid pid) {
    if (!isLocal(pid)) {
      throw new DistException("only a live process of " + name + " can take a local name here, not " + pid);
    }
    Pid had = names.putIfAbsent(label, pid);
    if (had != null && !had.equals(pid)) throw new DistException("the name " + label + " is taken by " + had);
  }

  void unregister(String label) {
    names.remove(label);
  }

  Pid whereis(String label) {
    return names.get(label);
  }

  void sendNamed(String label, String node, Object message) {
    if (node.equals(name)) {
      deliverNamed(label, message);
    } else {
      agentOf(node).tell(new NodeAgent.SendNamed(label, Payloads.encode(message)));
    }
  }

  void deliverNamed(String label, Object message) {
    Pid pid = names.get(label);
    if (pid == null) {
      log.debug("A message for {} on {} was dropped: no process has that name.", label, name);
      return;
    }
    LocalProcess p = processes.get(pid.ref());
    if (p == null) return;
    if (message instanceof Payload payload) {
      p.ref().tell(new ProcessActor.Deliver(payload));
    } else {
      p.mailbox().add(message);
    }
  }

  // ---- nodes

  /** Members that are up ({@link Members}), this node included. */
  List<Member> members() {
    return Members.up(Cluster.get(system));
  }

  List<String> otherNodes() {
    return members().stream().map(m -> NodeRoles.node(m.getRoles()).orElse(null))
        .filter(n -> n != null && !n.equals(name)).sorted().toList();
  }

  boolean isMember() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  /** The agent of {@code node}; a clear error when no such node is connected. */
  ActorRef<NodeAgent.Command> agentOf(String node) {
    if (node == null) throw new DistException("no node given");
    if (node.equals(name)) return agent;
    for (Member m : members()) {
      if (NodeRoles.node(m.getRoles()).filter(node::equals).isPresent()) return agentAt(m.address());
    }
    List<String> others = otherNodes();
    throw new DistException("no node " + node + " is connected to " + name + " ("
        + (others.isEmpty() ? "it is connected to none: Node.connect(\"" + node + "\") first" : "connected: " + others) + ")");
  }

  ActorRef<NodeAgent.Command> agentAt(Address address) {
    return resolver.resolveActorRef(address + "/system/" + NodeAgent.NAME);
  }

  ActorRef<NodeAgent.Command> agent() {
    return agent;
  }

  // ---- processes that run code: tasks and rpc calls (see Tasks)

  Tasks tasks() {
    return tasks;
  }

  /** Waits, at most {@code timeout}, for the tasks this node spawned to end (so their output is printed). */
  public void awaitSpawnedTasks(Duration timeout) {
    tasks.awaitSpawnedElsewhere(timeout);
  }

  /**
   * Runs {@code body} on a new thread as the process {@code p} of this node, printing to
   * {@code leader}'s console; when it returns or throws, the process ends.
   */
  void runAsProcess(LocalProcess p, ActorRef<NodeAgent.Command> leader, String threadName, Runnable body, Runnable atEnd) {
    Thread t = new Thread(() -> {
      BOUND.set(new Binding(this, p));
      Console.lead(leader);
      try {
        body.run();
      } finally {
        Console.release();
        atEnd.run();
        p.ref().tell(ProcessActor.Stop.INSTANCE);
        BOUND.remove();
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
  }

  /** Asks, turning time-outs and failures into a {@link DistException} that says who did not answer. */
  <Q, A> A ask(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<A>, Q> message, Duration timeout) {
    CompletionStage<A> answer = AskPattern.ask(target, message, timeout, system.scheduler());
    try {
      return answer.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DistException("interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new DistException("no answer within " + timeout.toMillis() + " ms");
    }
  }

  <Q, A> CompletionStage<A> askAsync(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<A>, Q> message, Duration timeout) {
    return AskPattern.ask(target, message, timeout, system.scheduler());
  }
}
