package todo.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import todo.db.StoreException;
import todo.beam.DistNode;
import todo.node.BadSettings;
import todo.node.CannotStart;
import todo.node.NodeSettings;
import todo.shell.Shell;
import todo.shell.ShellNode;

/**
 * {@code todo shell}: a node with a Java REPL, as {@code iex --sname node2} is. The
 * distribution API ({@code Node}, {@code Global}, {@code Pg}, {@code Rpc}, {@code self()},
 * {@code send}, {@code receive}) is in scope. {@code --eval} evaluates and exits: 0 when
 * all went well, 1 with the exception's message when a snippet threw or did not compile.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "Start a node with a Java shell (JShell) that has the cluster API in scope.")
final class ShellCommand implements Callable<Integer> {

  @Option(names = "--sname", paramLabel = "NAME", description = "Node name on this host: NAME@<short host name> (default shell<pid>).")
  String sname;

  @Option(names = "--name", paramLabel = "NAME@HOST", description = "Full node name.")
  String name;

  @Option(names = "--cookie", paramLabel = "C", description = "The cluster's shared secret (env TODO_COOKIE, else ~/.todo.cookie).")
  String cookie;

  @Option(names = "--connect", paramLabel = "NODE@HOST", description = "Join the cluster of this node at start.")
  java.util.List<String> connect = new java.util.ArrayList<>();

  @Option(names = "--dist-port-range", paramLabel = "A-B", description = "Listen for other nodes on the first free port of this range (default: any free port).")
  String distPortRange;

  @Option(names = "--http-port", paramLabel = "P", description = "Also serve the to-do API on this port, as a full node (default: no HTTP, no data).")
  Integer httpPort;

  @Option(names = "--db-folder", paramLabel = "DIR", description = "Data folder, with --http-port (env TODO_DB_FOLDER, default ./persist).")
  Path dbFolder;

  @Option(names = "--class-path", paramLabel = "PATH", description = "More compiled classes for the shell (this node only: other nodes must have them to run them).")
  String classPath;

  @Option(names = "--eval", paramLabel = "SNIPPETS", description = "Evaluate these Java snippets, print their values as jshell does, and exit.")
  String eval;

  @Override
  public Integer call() throws Exception {
    NodeSettings settings;
    try {
      String shortName = sname == null && name == null ? "shell" + ProcessHandle.current().pid() : sname;
      settings = NodeSettings.resolve(new NodeSettings.Flags(shortName, name, cookie, httpPort, dbFolder, connect, distPortRange), System.getenv());
    } catch (BadSettings e) {
      System.err.println("todo: " + e.getMessage());
      return 2;
    }
    Shell shell = new Shell(classPath);
    if (eval != null) shell.prepareEval();
    try (ShellNode node = ShellNode.start(settings, httpPort != null)) {
      if (eval == null) return shell.interactive();
      String failure = shell.eval(eval, System.out).failure();
      DistNode.ofThisJvm().awaitSpawnedTasks(Duration.ofSeconds(5)); // their output, before this node leaves
      if (failure == null) return 0;
      System.err.println("todo: " + failure);
      return 1;
    } catch (BadSettings e) {
      System.err.println("todo: " + e.getMessage());
      return 2;
    } catch (StoreException | CannotStart e) {
      System.err.println("todo: " + e.getMessage());
      return 1;
    }
  }
}
