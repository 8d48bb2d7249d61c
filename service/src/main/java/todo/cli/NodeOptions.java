package todo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import todo.node.NodeSettings;

/**
 * The flags that say which node to start, shared by {@code todo start} and {@code todo shell}
 * (a picocli mixin). They are resolved once, with the book's environment variables and
 * application.conf, into {@link NodeSettings}.
 */
final class NodeOptions {

  @Option(names = "--sname", paramLabel = "NAME",
      description = "Node name on this host: NAME@<short host name> (default: node1; for todo shell, shell<pid>).")
  String sname;

  @Option(names = "--name", paramLabel = "NAME@HOST", description = "Full node name.")
  String name;

  @Option(names = "--cookie", paramLabel = "C", description = "The cluster's shared secret (env TODO_COOKIE, else ~/.todo.cookie).")
  String cookie;

  @Option(names = "--connect", paramLabel = "NODE@HOST",
      description = "Join the cluster of this node at start (repeatable: the first that answers).")
  List<String> connect = new ArrayList<>();

  @Option(names = "--http-port", paramLabel = "P", description = "HTTP port (env TODO_HTTP_PORT, default 5454; 0 picks a free one).")
  Integer httpPort;

  @Option(names = "--dist-port-range", paramLabel = "A-B",
      description = "Listen for other nodes on the first free port of this range (default: any free port).")
  String distPortRange;

  @Option(names = "--db-folder", paramLabel = "DIR", description = "Data folder (env TODO_DB_FOLDER, default ./persist).")
  Path dbFolder;

  /** The node these flags describe; {@code defaultShortName} when neither --sname nor --name is given. */
  NodeSettings settings(String defaultShortName) {
    String shortName = sname == null && name == null ? defaultShortName : sname;
    return NodeSettings.resolve(new NodeSettings.Flags(shortName, name, cookie, httpPort, dbFolder, connect, distPortRange),
        System.getenv());
  }
}
