package todo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import todo.control.ControlClient;
import todo.control.RemoteSession;

/**
 * {@code todo shell --remsh NODE@HOST}: this terminal's lines, evaluated in a JShell session
 * in the running node ({@link RemoteSession}), as {@code iex --remsh} attaches a shell to a
 * release. The node tells when a snippet spans lines; the prompt is shown only on a terminal,
 * so that piped input gives only what the snippets print. {@code /exit} or the end of input ends it.
 */
final class RemoteShell {

  /** JShell starts in the node (seconds on a busy machine) before the session answers. */
  private static final Duration OPEN = Duration.ofSeconds(60);
  /** A snippet may run long (a receive, a sleep); the caller ends a stuck one with Ctrl-C. */
  private static final Duration SNIPPET = Duration.ofHours(1);

  private RemoteShell() {}

  static int run(String node, String cookieFlag) throws IOException {
    CookieOption cookie = new CookieOption(); // shell's own --cookie, resolved as the control commands resolve theirs
    cookie.cookie = cookieFlag;
    boolean terminal = System.console() != null;
    try (ControlClient client = RunningNode.find(node, "--remsh").control(cookie.resolve())) {
      ActorRef<RemoteSession.Command> session = client.openSession(OPEN);
      if (terminal) System.out.println("Connected to " + node + ": snippets run in its JVM. /exit to leave.");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      boolean incomplete = false;
      while (true) {
        if (terminal) System.out.print(incomplete ? "   ...> " : node + "> ");
        System.out.flush();
        String line = in.readLine();
        if (line == null || (!incomplete && line.strip().equals("/exit"))) break;
        RemoteSession.Output out = client.ask(session, r -> new RemoteSession.Line(line, r), SNIPPET);
        System.out.print(out.text());
        incomplete = out.incomplete();
      }
      System.out.print(client.endSession(session, SNIPPET).text());
      System.out.flush();
      return 0;
    }
  }
}
