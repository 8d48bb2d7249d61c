package todo.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import todo.TodoSystem;
import todo.store.StoreException;
import todo.node.BadSettings;
import todo.node.NodeSettings;

/**
 * {@code todo start}: run a node until it is stopped (Ctrl-C or SIGTERM leave gracefully).
 * With no flags: node {@code node1@<short host name>}, HTTP on 5454, data in ./persist/node1/.
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "Start a node and serve the to-do API until stopped.")
final class StartCommand implements Callable<Integer> {

  @Option(names = "--sname", paramLabel = "NAME", description = "Node name on this host: NAME@<short host name> (default node1).")
  String sname;

  @Option(names = "--name", paramLabel = "NAME@HOST", description = "Full node name.")
  String name;

  @Option(names = "--cookie", paramLabel = "C", description = "The cluster's shared secret (env TODO_COOKIE, else ~/.todo.cookie).")
  String cookie;

  @Option(names = "--connect", paramLabel = "NODE@HOST", description = "Join the cluster of this node (repeatable: the first that answers).")
  java.util.List<String> connect = new java.util.ArrayList<>();

  @Option(names = "--dist-port-range", paramLabel = "A-B", description = "Listen for other nodes on the first free port of this range (default: any free port).")
  String distPortRange;

  @Option(names = "--http-port", paramLabel = "P", description = "HTTP port (env TODO_HTTP_PORT, default 5454; 0 picks a free one).")
  Integer httpPort;

  @Option(names = "--db-folder", paramLabel = "DIR", description = "Data folder (env TODO_DB_FOLDER, default ./persist).")
  Path dbFolder;

  @Override
  public Integer call() throws Exception {
    TodoSystem node;
    try {
      NodeSettings settings = NodeSettings.resolve(new NodeSettings.Flags(sname, name, cookie, httpPort, dbFolder, connect, distPortRange), System.getenv());
      node = TodoSystem.start(settings);
    } catch (BadSettings e) {
      System.err.println("todo: " + e.getMessage());
      return 2;
    } catch (com.typesafe.config.ConfigException e) { // a bad -D setting in TODO_JAVA_OPTS
      System.err.println("todo: bad setting: " + e.getMessage());
      return 2;
    } catch (StoreException | todo.node.CannotStart e) {
      System.err.println("todo: " + e.getMessage());
      return 1;
    }
    node.whenTerminated().toCompletableFuture().join();
    return node.wasDowned() ? 1 : 0; // downed is a failure: a supervisor that restarts on failure brings it back
  }
}
