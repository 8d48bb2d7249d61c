package todo.control;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What a snippet evaluated for a caller prints (System.out, in the thread that evaluates it
 * and the threads that thread starts, JShell's snippet thread among them) goes back to that
 * caller rather than to the node's log. System.out is replaced once per JVM by a stream that
 * sends such a thread's bytes to its caller's buffer and passes every other thread's through.
 */
final class SnippetOutput {

  private static final InheritableThreadLocal<PrintStream> CALLER = new InheritableThreadLocal<>();
  private static PrintStream passThrough;

  private SnippetOutput() {}

  static synchronized void install() {
    if (passThrough != null) return;
    passThrough = System.out;
    System.setOut(new PrintStream(new Router(), true, StandardCharsets.UTF_8));
  }

  /** Runs {@code work} with this thread's System.out (and that of the threads it starts) going to {@code to}. */
  static <T> T into(PrintStream to, Supplier<T> work) {
    CALLER.set(to);
    try {
      return work.get();
    } finally {
      System.out.flush();
      CALLER.remove();
    }
  }

  private static final class Router extends OutputStream {
    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      PrintStream caller = CALLER.get();
      (caller != null ? caller : passThrough).write(b, off, len);
    }

    @Override
    public void flush() {
      PrintStream caller = CALLER.get();
      (caller != null ? caller : passThrough).flush();
    }
  }
}
