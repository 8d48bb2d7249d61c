package todo.beam;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Code that runs in a process of one node: tasks spawned here by any node ({@link Node#spawn}),
 * functions called here ({@link Rpc}), and the bookkeeping of the tasks this node spawned
 * elsewhere, whose output it prints. Code arrives as a {@link Payload}; a class this node
 * lacks is refused by name before anything runs.
 */
final class Tasks {

  private static final Logger log = LoggerFactory.getLogger(Tasks.class);

  private final DistNode node;
  private final Set<Pid> spawnedElsewhere = ConcurrentHashMap.newKeySet();

  Tasks(DistNode node) {
    this.node = node;
  }

  /** Spawns {@code task} on {@code target} and returns its pid; an error naming the reason when it cannot run there. */
  Pid spawn(String target, Task task) {
    ActorRef<NodeAgent.Command> agent = node.peers().agentOf(target);
    Payload payload = Payloads.encode(task);
    NodeAgent.Spawned s = node.ask(agent, (ActorRef<NodeAgent.Spawned> r) -> new NodeAgent.Spawn(payload, node.agent(), r), DistNode.ASK);
    if (s.refusal() != null) throw new DistException("cannot spawn on " + target + ": " + s.refusal());
    spawnedElsewhere.add(s.pid());
    return s.pid();
  }

  /** Starts a task another node (or this one) spawned here. */
  NodeAgent.Spawned runSpawned(Payload payload, ActorRef<NodeAgent.Command> leader) {
    Object task;
    try {
      task = Payloads.decode(payload);
    } catch (Payloads.Unreadable e) {
      return new NodeAgent.Spawned(null, refusal(e));
    }
    if (!(task instanceof Runnable runnable)) return new NodeAgent.Spawned(null, "a task must be a todo.beam.Task");
    Processes.LocalProcess p = node.processes().start("task");
    node.runAsProcess(p, leader, "process " + p.pid(), () -> {
      try {
        runnable.run();
      } catch (Throwable e) {
        log.warn("Process {} on {} crashed: {}", p.pid(), node.name(), e.toString());
        System.out.println("** process " + p.pid() + " on " + node.name() + " crashed: " + e);
      }
    }, () -> leader.tell(new NodeAgent.TaskEnded(p.pid())));
    return new NodeAgent.Spawned(p.pid(), null);
  }

  /** Calls a function another node (or this one) sent, in a process of its own, and answers its result. */
  void runCall(Payload payload, ActorRef<NodeAgent.Command> leader, ActorRef<NodeAgent.Returned> replyTo) {
    Processes.LocalProcess p = node.processes().start("rpc");
    node.runAsProcess(p, leader, "rpc on " + node.name(), () -> {
      try {
        Object fn = Payloads.decode(payload);
        if (!(fn instanceof Fn<?> f)) throw new DistException("an rpc function must be a todo.beam.Fn");
        replyTo.tell(new NodeAgent.Returned(Payloads.encode(f.call()), null));
      } catch (Payloads.Unreadable e) {
        replyTo.tell(new NodeAgent.Returned(null, refusal(e)));
      } catch (Throwable e) {
        replyTo.tell(new NodeAgent.Returned(null, e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }, () -> {});
  }

  private String refusal(Payloads.Unreadable e) {
    return e.getMessage().replace("this node", node.name())
        + " (a compiled class must exist on every node that runs it, as a module must on the BEAM)";
  }

  void taskEnded(Pid pid) {
    synchronized (spawnedElsewhere) {
      spawnedElsewhere.remove(pid);
      spawnedElsewhere.notifyAll();
    }
  }

  void awaitSpawnedElsewhere(Duration timeout) {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    synchronized (spawnedElsewhere) {
      while (!spawnedElsewhere.isEmpty()) {
        long left = TimeUnit.NANOSECONDS.toMillis(giveUpAt - System.nanoTime());
        if (left <= 0) return;
        try {
          spawnedElsewhere.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
