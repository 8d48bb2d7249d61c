package todo.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import todo.control.ControlClient;
import todo.control.NodeControl;

/**
 * {@code todo rpc NODE@HOST 'JAVA'}: the source is evaluated in the running node, by a JShell
 * in its JVM with the shell's imports in scope, as {@code bin/app rpc} evaluates Elixir in a
 * release. It prints what jshell prints (values, and what the snippets print); 1 with the
 * failure in one line when a snippet throws or does not compile, as {@code todo shell --eval}.
 */
@Command(name = "rpc", mixinStandardHelpOptions = true,
    description = "Evaluate Java snippets in a running node (JShell in its JVM) and print what jshell prints.")
final class RpcCommand implements Callable<Integer> {

  @Mixin
  ControlTarget target;

  @Parameters(index = "1", paramLabel = "JAVA", description = "Java snippets, as at jshell's prompt (e.g. 'Node.list()').")
  String source;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
  int timeout;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (source.isBlank()) throw new ParameterException(spec.commandLine(), "JAVA is empty: give the snippets to evaluate");
    if (timeout <= 0) throw new ParameterException(spec.commandLine(), "--timeout must be a positive number of seconds");
    NodeControl.Evaluated answer;
    try (ControlClient client = target.connect()) {
      answer = client.ask(r -> new NodeControl.Eval(source, r), Duration.ofSeconds(timeout));
    }
    System.out.print(answer.output());
    System.out.flush();
    if (answer.failure() == null) return 0;
    System.err.println("todo: " + answer.failure());
    return ExitCodes.FAILED;
  }
}
