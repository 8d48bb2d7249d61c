package todo.beam;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Code that runs in a process of one node: tasks spawned here by any node ({@link Node#spawn})
 * or by this node's own processes ({@link Dist#spawn}), functions called here ({@link Rpc}),
 * and the bookkeeping of the tasks this node spawned, whose output a shell's --eval waits
 * for. Code from elsewhere arrives as a {@link Payload}; a class this node lacks is refused
 * by name before anything runs.
 */
final class Tasks {

  private final DistNode node;
  private final Set<Pid> spawned = ConcurrentHashMap.newKeySet();

  Tasks(DistNode node) {
    this.node = node;
  }

  /** Spawns {@code task} on {@code target} and returns its pid; an error naming the reason when it cannot run there. */
  Pid spawn(String target, Task task) {
    ActorRef<NodeAgent.Command> agent = node.peers().agentOf(target);
    Payload payload = Payloads.encode(task);
    NodeAgent.Spawned s = node.ask(agent, (ActorRef<NodeAgent.Spawned> r) -> new NodeAgent.Spawn(payload, node.agent(), r), DistNode.ASK);
    if (s.refusal() != null) throw new DistException("cannot spawn on " + target + ": " + s.refusal());
    spawned.add(s.pid());
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
    return new NodeAgent.Spawned(start(runnable, leader), null);
  }

  /**
   * {@link Dist#spawn}: runs {@code task} in a new process of this node, as a task spawned
   * here from elsewhere runs, but not copied (a local message is not copied either).
   */
  Pid spawnHere(Task task) {
    Processes.LocalProcess p = node.processes().start("task");
    spawned.add(p.pid()); // before it can end
    run(p, task, node.agent());
    return p.pid();
  }

  private Pid start(Runnable task, ActorRef<NodeAgent.Command> leader) {
    Processes.LocalProcess p = node.processes().start("task");
    run(p, task, leader);
    return p.pid();
  }

  private void run(Processes.LocalProcess p, Runnable task, ActorRef<NodeAgent.Command> leader) {
    node.runAsProcess(p, leader, "process " + p.pid(), task, () -> leader.tell(new NodeAgent.TaskEnded(p.pid())));
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
    synchronized (spawned) {
      spawned.remove(pid);
      spawned.notifyAll();
    }
  }

  void awaitSpawned(Duration timeout) {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    synchronized (spawned) {
      while (!spawned.isEmpty()) {
        long left = TimeUnit.NANOSECONDS.toMillis(giveUpAt - System.nanoTime());
        if (left <= 0) return;
        try {
          spawned.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
