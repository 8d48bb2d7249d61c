package todo.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import todo.control.ControlClient;
import todo.control.NodeControl;

/**
 * {@code todo stop NODE@HOST}: the node leaves as on SIGTERM (its lists' servers hand over,
 * its store closes) and exits; the command returns once the node's registration is gone from
 * its host's port mapper, the last thing a node does, or fails after {@link #GONE}.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop a running node gracefully (as SIGTERM does); returns once it is gone.")
final class StopCommand implements Callable<Integer> {

  static final Duration GONE = Duration.ofSeconds(60);

  @Mixin
  ControlTarget target;

  @Override
  public Integer call() throws Exception {
    try (ControlClient client = target.connect()) {
      client.ask(NodeControl.Stop::new, PingCommand.ANSWER);
    }
    long giveUpAt = System.nanoTime() + GONE.toNanos();
    while (registered()) {
      if (System.nanoTime() > giveUpAt) {
        throw new ExitCodes.Failed(target.node + " began to stop but is still registered after " + GONE.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
    System.out.println(target.node + " stopped");
    return 0;
  }

  private boolean registered() {
    try {
      RunningNode.find(target.node, "NODE@HOST");
      return true;
    } catch (ExitCodes.Failed gone) { // not registered, or its port mapper went with it
      return false;
    }
  }
}
