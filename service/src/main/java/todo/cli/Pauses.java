package todo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The demo's pauses ({@code todo demo --pause}): before each step it says what comes next and
 * waits for Enter, so that a person can watch the step happen in the page. Without
 * {@code --pause} it does nothing. At the end of the input (Ctrl-D, or no terminal) it stops
 * waiting and the demo runs on.
 */
final class Pauses {

  private final BufferedReader in;
  private final PrintStream out;
  private boolean waiting;

  Pauses(boolean on, BufferedReader in, PrintStream out) {
    this.waiting = on;
    this.in = in;
    this.out = out;
  }

  /** Says {@code next} ("kill node2") and waits for Enter, when pausing. */
  void before(String next) throws IOException {
    if (!waiting) return;
    out.println();
    out.print("Next: " + next + ". Press Enter to go on... ");
    out.flush();
    if (in.readLine() == null) {
      out.println();
      waiting = false;
    }
  }
}
