package todo.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import todo.control.ControlClient;
import todo.control.NodeControl;

/** {@code todo ping NODE@HOST}: {@code pong} and 0 when the node answers, else {@code pang: why} and 1, as {@code net_adm:ping/1}. */
@Command(name = "ping", mixinStandardHelpOptions = true,
    description = "Whether a node runs and answers: pong (exit 0), else pang and the reason (exit 1).")
final class PingCommand implements Callable<Integer> {

  static final Duration ANSWER = Duration.ofSeconds(10);

  @Mixin
  ControlTarget target;

  @Override
  public Integer call() {
    try (ControlClient client = target.connect()) {
      client.ask(NodeControl.Ping::new, ANSWER);
      System.out.println("pong");
      return 0;
    } catch (ExitCodes.Failed | IOException e) {
      System.out.println("pang: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }
}
