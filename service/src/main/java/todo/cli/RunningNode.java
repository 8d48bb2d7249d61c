package todo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import todo.control.ControlClient;
import todo.node.EpmdClient;
import todo.node.NodeName;

/**
 * A running node as its host's port mapper knows it, where every node registers its
 * distribution port and, in the registration's extra bytes, its HTTP address. The commands
 * that talk to a running node find it here; every way of not finding it is one line.
 */
record RunningNode(String node, String host, int distPort, String httpUrl) {

  /** {@code node} (NAME@HOST, checked as the argument {@code what}) as registered; {@link ExitCodes.Failed} when it is not. */
  static RunningNode find(String node, String what) {
    NodeName.fromFullName(node, what);
    String host = NodeName.host(node);
    EpmdClient epmd = new EpmdClient(EpmdClient.portFromEnv(System.getenv()));
    Optional<EpmdClient.Registration> found;
    try {
      found = epmd.registrationOf(host, NodeName.shortName(node));
    } catch (IOException e) {
      throw new ExitCodes.Failed("cannot reach the port mapper of " + host + " (port " + epmd.port() + "): "
          + e.getMessage() + ": is " + node + " running?");
    }
    if (found.isEmpty()) {
      throw new ExitCodes.Failed(node + " is not registered with the port mapper of " + host
          + " (port " + epmd.port() + "): is it running?");
    }
    String url = new String(found.get().extra(), StandardCharsets.UTF_8);
    if (!url.startsWith("http")) {
      throw new ExitCodes.Failed(node + " is not a todo-cluster node (no HTTP address in its registration)");
    }
    return new RunningNode(node, host, found.get().port(), url);
  }

  /** A client of this node's control point ({@code todo.control.NodeControl}), for holders of {@code cookie}. */
  ControlClient control(String cookie) throws IOException {
    return ControlClient.connect(node, host, distPort, cookie);
  }
}
