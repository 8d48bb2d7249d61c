package todo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code todo}: the command line. Every error is one line and an exit code ({@link ExitCodes}):
 * 2 for bad input, 1 when the command could not do its work.
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
    return ExitCodes.install(new CommandLine(new Main())).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
