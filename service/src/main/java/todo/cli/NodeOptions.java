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
      description = "Node name on this host: NAME@<short host name> (env TODO_SNAME; default: node1; for todo shell, shell<pid>).")
  String sname;

  @Option(names = "--name", paramLabel = "NAME@HOST", description = "Full node name (env TODO_NAME).")
  String name;

  @Option(names = "--cookie", paramLabel = "C", description = "The cluster's shared secret (env TODO_COOKIE, else the file TODO_COOKIE_FILE, else ~/.todo.cookie).")
  String cookie;

  @Option(names = "--connect", paramLabel = "NODE@HOST",
      description = "Join the cluster of this node at start (repeatable: the first that answers; env TODO_CONNECT, comma-separated).")
  List<String> connect = new ArrayList<>();

  @Option(names = "--http-port", paramLabel = "P", description = "HTTP port (env TODO_HTTP_PORT, default 5454; 0 picks a free one).")
  Integer httpPort;

  @Option(names = "--dist-port-range", paramLabel = "A-B",
      description = "Listen for other nodes on the first free port of this range (env TODO_DIST_PORT_RANGE; default: any free port).")
  String distPortRange;

  @Option(names = "--db-folder", paramLabel = "DIR", description = "Data folder (env TODO_DB_FOLDER, default ./persist).")
  Path dbFolder;

  /** The node these flags describe, named by --sname or --name, else TODO_SNAME or TODO_NAME, else node1. */
  NodeSettings settings() {
    return settings(null);
  }

  /**
   * The same, named {@code shortName} (unless null) when neither --sname nor --name is given: a
   * shell takes a name of its own, not the TODO_SNAME or TODO_NAME of the node beside it (a container's).
   */
  NodeSettings settings(String shortName) {
    return NodeSettings.resolve(new NodeSettings.Flags(sname == null && name == null ? shortName : sname, name, cookie, httpPort, dbFolder,
        connect, distPortRange), System.getenv());
  }
}
