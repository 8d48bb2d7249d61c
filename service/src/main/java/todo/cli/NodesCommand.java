package todo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import todo.control.ControlClient;
import todo.control.NodeControl;

/** {@code todo nodes NODE@HOST}: the nodes that node sees, itself first, one per line with its status ({@code Node.list}, by another's eyes). */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = "The nodes a running node sees: itself first, then the others, one per line with its status.")
final class NodesCommand implements Callable<Integer> {

  @Mixin
  ControlTarget target;

  @Override
  public Integer call() throws Exception {
    try (ControlClient client = target.connect()) {
      for (NodeControl.NodeStatus n : client.ask(NodeControl.ListNodes::new, PingCommand.ANSWER).nodes()) {
        System.out.println(n.node() + " " + n.status());
      }
      return 0;
    }
  }
}
