package todo.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import todo.TodoSystem;
import todo.node.NodeSettings;

/**
 * {@code todo start}: run a node until it is stopped (Ctrl-C, SIGTERM or {@code todo stop}
 * leave gracefully). With no flags: node {@code node1@<short host name>}, HTTP on 5454, data
 * in ./persist/node1/. Exit code 1 also when the cluster downed the node, so that a supervisor
 * that restarts on failure brings it back. {@code --daemon}: the same, in the background
 * ({@link Daemon}).
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "Start a node and serve the to-do API until stopped.")
final class StartCommand implements Callable<Integer> {

  @Mixin
  NodeOptions node;

  @Option(names = "--daemon", description = "Run in the background: print the node, its pid and its log file "
      + "(<db-folder>/<node>/todo.log, beside todo.pid) once it serves, and exit.")
  boolean daemon;

  /** Where a node started by --daemon writes its pid once it serves. */
  @Option(names = "--pid-file", hidden = true)
  Path pidFile;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    NodeSettings settings = node.settings();
    if (daemon) {
      List<String> all = spec.commandLine().getParseResult().originalArgs(); // todo's, from "start" on
      return Daemon.start(settings, all.subList(all.indexOf(spec.name()) + 1, all.size()));
    }
    TodoSystem running = TodoSystem.start(settings);
    if (pidFile != null) new PidFile(pidFile).writeOwn();
    running.whenTerminated().toCompletableFuture().join();
    if (pidFile != null) new PidFile(pidFile).delete();
    return running.wasDowned() ? ExitCodes.FAILED : 0;
  }
}
