package todo.beam;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one node, each an actor and the mailbox it fills, with the names they
 * registered here ({@link Process#register}) and the process groups they joined here
 * ({@link Pg}). A process that ends gives up its names and groups.
 */
final class Processes {

  private static final Logger log = LoggerFactory.getLogger(Processes.class);

  /** A process of this node: its pid, its actor and the mailbox its actor fills. */
  record LocalProcess(Pid pid, ActorRef<ProcessActor.Command> ref, BlockingQueue<Object> mailbox) {}

  private final String node;
  private final ActorSystem<?> system;
  private final ActorRefResolver resolver;
  private final Map<String, LocalProcess> byRef = new ConcurrentHashMap<>();
  private final Map<String, Pid> names = new ConcurrentHashMap<>();
  private final Map<String, Set<Pid>> groups = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile LocalProcess main;

  Processes(ActorSystem<?> system, String node) {
    this.node = node;
    this.system = system;
    this.resolver = ActorRefResolver.get(system);
  }

  /** The node's main process: the one a thread that is no spawned task acts as (the shell's). */
  LocalProcess main() {
    LocalProcess m = main;
    if (m != null) return m;
    synchronized (this) {
      if (main == null) main = start("main");
      return main;
    }
  }

  LocalProcess start(String label) {
    BlockingQueue<Object> mailbox = new LinkedBlockingQueue<>();
    String actorName = label + "-" + ids.incrementAndGet();
    @SuppressWarnings("unchecked")
    ActorRef<ProcessActor.Command>[] self = new ActorRef[1];
    self[0] = system.systemActorOf(ProcessActor.create(node, mailbox, () -> ended(self[0])), actorName, Props.empty());
    LocalProcess p = new LocalProcess(new Pid(node, resolver.toSerializationFormat(self[0])), self[0], mailbox);
    byRef.put(p.pid().ref(), p);
    return p;
  }

  private void ended(ActorRef<ProcessActor.Command> ref) {
    LocalProcess p = byRef.remove(resolver.toSerializationFormat(ref));
    if (p != null) {
      names.values().removeIf(p.pid()::equals);
      groups.values().forEach(members -> members.remove(p.pid()));
    }
  }

  /** Tells every process of this node that the node went down (its actor system stopped). */
  void nodeStopped() {
    for (LocalProcess p : byRef.values()) p.mailbox().add(new NodeDown(node));
  }

  boolean isLocal(Pid pid) {
    return byRef.containsKey(pid.ref());
  }

  Optional<ActorRef<ProcessActor.Command>> localRef(Pid pid) {
    return Optional.ofNullable(byRef.get(pid.ref())).map(LocalProcess::ref);
  }

  /** The pid of the live process of this node whose actor has the path {@code ref}. */
  Optional<Pid> pidAt(String ref) {
    return Optional.ofNullable(byRef.get(ref)).map(LocalProcess::pid);
  }

  /** Sends to a process of any node; a process of this node that has ended drops it, as on the BEAM. */
  void send(Pid to, Object message) {
    LocalProcess local = byRef.get(to.ref());
    if (local != null) {
      local.mailbox().add(message); // same node: no copy, as a local object
    } else if (!to.node().equals(node)) {
      resolver.<ProcessActor.Command>resolveActorRef(to.ref()).tell(new ProcessActor.Deliver(Payloads.encode(message)));
    }
  }

  /** Takes the messages {@code which} picks out of the mailbox of {@code pid}, a process of this node. */
  void flush(Pid pid, java.util.function.Predicate<Object> which) {
    LocalProcess p = byRef.get(pid.ref());
    if (p != null) p.mailbox().removeIf(which);
  }

  // ---- local names (Process.register)

  void register(String label, Pid pid) {
    if (!isLocal(pid)) {
      throw new DistException("only a live process of " + node + " can take a local name here, not " + pid);
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

  /** Delivers to the process registered here as {@code label}; dropped when there is none. */
  void deliverNamed(String label, Object message) {
    Pid pid = names.get(label);
    LocalProcess p = pid == null ? null : byRef.get(pid.ref());
    if (p == null) {
      log.debug("A message for {} on {} was dropped: no process has that name.", label, node);
    } else if (message instanceof Payload payload) {
      p.ref().tell(new ProcessActor.Deliver(payload));
    } else {
      p.mailbox().add(message);
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
}
