package todo.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import todo.beam.DistNode;
import todo.node.NodeSettings;
import todo.shell.Shell;
import todo.shell.ShellNode;

/**
 * {@code todo shell}: a node with a Java REPL, as {@code iex --sname node2} is. The
 * distribution API ({@code Node}, {@code Global}, {@code Pg}, {@code Rpc}, {@code self()},
 * {@code send}, {@code receive}) is in scope. {@code --eval} evaluates and exits: 0 when
 * all went well, 1 with the exception's message when a snippet threw or did not compile.
 * Without --http-port the node serves no HTTP and holds no data. {@code --remsh NODE@HOST}
 * starts no node: its snippets are evaluated in that running node ({@link RemoteShell}).
 */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = {"Start a node with a Java shell (JShell) that has the cluster API in scope.",
        "It serves the to-do API over HTTP, and holds data, only when given --http-port."})
final class ShellCommand implements Callable<Integer> {

  @Mixin
  NodeOptions node;

  @Option(names = "--class-path", paramLabel = "PATH", description = "More compiled classes for the shell (this node only: other nodes must have them to run them).")
  String classPath;

  @Option(names = "--eval", paramLabel = "SNIPPETS", description = "Evaluate these Java snippets, print their values as jshell does, and exit.")
  String eval;

  @Option(names = "--remsh", paramLabel = "NODE@HOST",
      description = "Evaluate in a running node instead (as iex --remsh): start no node; snippets run in NODE's JVM, in one JShell of their own.")
  String remsh;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (remsh != null) {
      if (eval != null || classPath != null) {
        throw new ParameterException(spec.commandLine(), "--remsh takes no --eval nor --class-path (todo rpc evaluates once)");
      }
      return RemoteShell.run(remsh, node.cookie);
    }
    NodeSettings settings = node.settings("shell" + ProcessHandle.current().pid());
    Shell shell = new Shell(classPath);
    if (eval != null) shell.prepareEval();
    try (ShellNode running = ShellNode.start(settings, node.httpPort != null)) {
      if (eval == null) return shell.interactive();
      String failure = shell.eval(eval, System.out).failure();
      DistNode.ofThisJvm().awaitSpawnedTasks(Duration.ofSeconds(5)); // their output, before this node leaves
      if (failure == null) return 0;
      System.err.println("todo: " + failure);
      return ExitCodes.FAILED;
    }
  }
}
