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
    subcommands = {StartCommand.class, StopCommand.class, PingCommand.class, NodesCommand.class, RpcCommand.class,
        ShellCommand.class, DemoCommand.class, ForgetCommand.class, BackupCommand.class, LaunchCommand.class, VersionCommand.class},
    footer = "%nThe fault campaign, todo faults, is a module of its own (docs/FAULTS.md).")
public final class Main implements Runnable {

  public static void main(String[] args) {
    exit(run(new CommandLine(new Main()), args));
  }

  /**
   * {@code todo} with one more subcommand: the entry point of the fault campaign's jar, which
   * adds {@code todo faults} (the product does not contain it).
   */
  public static void main(Object subcommand, String[] args) {
    exit(run(new CommandLine(new Main()).addSubcommand(subcommand), args));
  }

  private static void exit(int code) {
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

  static int run(CommandLine cli, String... args) {
    return ExitCodes.install(cli).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
