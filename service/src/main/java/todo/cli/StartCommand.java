package todo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import todo.TodoSystem;

/**
 * {@code todo start}: run a node until it is stopped (Ctrl-C or SIGTERM leave gracefully).
 * With no flags: node {@code node1@<short host name>}, HTTP on 5454, data in ./persist/node1/.
 * Exit code 1 also when the cluster downed the node, so that a supervisor that restarts on
 * failure brings it back.
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "Start a node and serve the to-do API until stopped.")
final class StartCommand implements Callable<Integer> {

  @Mixin
  NodeOptions node;

  @Override
  public Integer call() {
    TodoSystem running = TodoSystem.start(node.settings());
    running.whenTerminated().toCompletableFuture().join();
    return running.wasDowned() ? ExitCodes.FAILED : 0;
  }
}
