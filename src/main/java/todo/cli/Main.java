package todo.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code todo}: the command line. Bad flags print one line and exit 2; see each
 * subcommand for the rest.
 */
@Command(
    name = "todo",
    description = "A distributed, fault-tolerant to-do service.",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    subcommands = {StartCommand.class, ShellCommand.class, DemoCommand.class, ForgetCommand.class, LaunchCommand.class, FaultsCommand.class, VersionCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int code = run(args);
    // Shutdown hooks (Pekko's among them) get 20 s; a node that cannot stop in that time
    // must still exit, with its code, rather than hang a supervisor or a script.
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(20_000);
      } catch (InterruptedException ignored) {
        return;
      }
      Runtime.getRuntime().halt(code);
    }, "exit-deadline");
    deadline.setDaemon(true);
    deadline.start();
    System.exit(code);
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler((e, a) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("todo: " + e.getMessage() + " (see: todo " + commandPath(e.getCommandLine()) + "--help)");
      return CommandLine.ExitCode.USAGE;
    });
    return cli.execute(args);
  }

  private static String commandPath(CommandLine cmd) {
    String path = cmd.getCommandSpec().qualifiedName(" ");
    return path.equals("todo") ? "" : path.substring("todo ".length()) + " ";
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
