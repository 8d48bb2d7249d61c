package todo.cli;

import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import todo.control.ControlClient;

/** The running node a control command talks to, and the cookie it shows there (a picocli mixin). */
final class ControlTarget {

  @Parameters(index = "0", paramLabel = "NODE@HOST", description = "The running node.")
  String node;

  @Mixin
  CookieOption cookie;

  /** A client of the node's control point; one line ({@link ExitCodes}) when the node is not registered. */
  ControlClient connect() throws IOException {
    return RunningNode.find(node, "NODE@HOST").control(cookie.resolve());
  }
}
