package todo.beam;

import java.time.Duration;

/**
 * The process primitives, for {@code import static todo.beam.Dist.*}: {@code self()},
 * {@code send}, {@code receive}, {@code spawn}. In {@code todo shell} they are in scope bare, as in iex.
 *
 * <p>A process is a thread with a mailbox: a task started by {@link #spawn} or
 * {@link Node#spawn} has its own; any other thread (the shell's) acts as its node's main process. Messages between
 * nodes are copied (Java-serialized, see {@link Payload}); within a node the object itself
 * is delivered, so send values you no longer change.
 */
public final class Dist {

  private Dist() {}

  /** The calling process. In the shell: the shell's own mailbox. */
  public static Pid self() {
    return DistNode.current().self();
  }

  /** Sends {@code message} to {@code pid}, on any node; never fails (a dead pid drops it, as on the BEAM). */
  public static Object send(Pid pid, Object message) {
    DistNode.current().processes().send(pid, message);
    return message;
  }

  /** {@code send({name, node}, message)}: to the process registered as {@code name} on {@code node} ({@link Process#register}). */
  public static Object send(String name, String node, Object message) {
    DistNode.current().sendNamed(name, node, message);
    return message;
  }

  /** The next message of the calling process's mailbox, waiting for one. */
  public static Object receive() {
    return DistNode.current().receive(null);
  }

  /** The next message, or null when none came within {@code timeout} (the BEAM's {@code after}). */
  public static Object receive(Duration timeout) {
    return DistNode.current().receive(timeout);
  }

  /**
   * Runs {@code task} in a new process of this node and returns its pid, as
   * {@code Node.spawn(Node.self(), task)} does, without copying the task. The process ends
   * when the task returns ({@link Down#NORMAL} to its monitors) or throws (the exception).
   */
  public static Pid spawn(Task task) {
    return DistNode.current().tasks().spawnHere(task);
  }
}
