package todo.beam;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The BEAM's group leader for System.out: what a task spawned from another node prints
 * goes to the console of the node that spawned it, and what a snippet evaluated for a
 * remote caller ({@code todo rpc}, {@code --remsh}) prints goes back in that caller's answer.
 * System.out is replaced once per JVM by a stream that sends a task thread's lines to its
 * leader (that node's {@link NodeAgent}), a caller's thread's bytes to the caller's buffer
 * ({@link #into}), and passes every other thread's output through unchanged.
 */
public final class Console {

  private static final InheritableThreadLocal<ActorRef<NodeAgent.Command>> LEADER = new InheritableThreadLocal<>();
  private static final InheritableThreadLocal<PrintStream> CALLER = new InheritableThreadLocal<>();
  private static final ThreadLocal<ByteArrayOutputStream> PENDING = ThreadLocal.withInitial(ByteArrayOutputStream::new);
  private static PrintStream original;

  private Console() {}

  public static synchronized void install() {
    if (original != null) return;
    original = System.out;
    System.setOut(new PrintStream(new Router(), true, StandardCharsets.UTF_8));
  }

  /** This thread (and the threads it starts) prints to {@code leader}'s console from now on. */
  static void lead(ActorRef<NodeAgent.Command> leader) {
    LEADER.set(leader);
  }

  /**
   * Runs {@code work} with this thread's System.out (and that of the threads it starts,
   * JShell's snippet thread among them) going to {@code to}.
   */
  public static <T> T into(PrintStream to, Supplier<T> work) {
    CALLER.set(to);
    try {
      return work.get();
    } finally {
      System.out.flush();
      CALLER.remove();
    }
  }

  /** Sends what this thread printed and has not sent yet, and stops leading it. */
  static void release() {
    System.out.flush();
    LEADER.remove();
  }

  /** Prints on this node's own console (text printed here by a task of another node). */
  static void print(String text) {
    PrintStream out = original != null ? original : System.out;
    out.print(text);
    out.flush();
  }

  private static final class Router extends OutputStream {
    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      PrintStream caller = CALLER.get();
      if (caller != null) caller.write(b, off, len);
      else if (LEADER.get() == null) original.write(b, off, len);
      else PENDING.get().write(b, off, len);
    }

    @Override
    public void flush() {
      PrintStream caller = CALLER.get();
      if (caller != null) {
        caller.flush();
        return;
      }
      ActorRef<NodeAgent.Command> leader = LEADER.get();
      ByteArrayOutputStream pending = PENDING.get();
      if (leader == null) {
        original.flush();
      } else if (pending.size() > 0) {
        leader.tell(new NodeAgent.Output(pending.toString(StandardCharsets.UTF_8)));
        pending.reset();
      }
    }
  }
}
