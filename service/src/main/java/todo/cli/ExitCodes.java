package todo.cli;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import todo.store.StoreException;
import todo.node.BadSettings;
import todo.node.CannotStart;

/**
 * The one mapping of errors to exit codes, for every command: each error is one line
 * {@code todo: <reason>} on stderr. 2 ({@link #BAD_INPUT}): bad flags, settings or names,
 * a port or node name that is taken. 1 ({@link #FAILED}): the node cannot start (a store
 * that does not open, a cluster that cannot be joined) or the command could not do its work.
 */
final class ExitCodes implements IParameterExceptionHandler, IExecutionExceptionHandler {

  static final int BAD_INPUT = CommandLine.ExitCode.USAGE;
  static final int FAILED = CommandLine.ExitCode.SOFTWARE;

  /** Installs the mapping on {@code cli} and so on all its subcommands. */
  static CommandLine install(CommandLine cli) {
    ExitCodes codes = new ExitCodes();
    return cli.setParameterExceptionHandler(codes).setExecutionExceptionHandler(codes);
  }

  /** Flags picocli could not parse, or a command refused ({@link ParameterException}). */
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    e.getCommandLine().getErr().println("todo: " + e.getMessage() + " (see: todo " + commandPath(e.getCommandLine()) + "--help)");
    return BAD_INPUT;
  }

  /** What a command threw while it ran. */
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof BadSettings) {
      err.println("todo: " + e.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof ConfigException) { // a bad -D setting in TODO_JAVA_OPTS
      err.println("todo: bad setting: " + e.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof CannotStart || e instanceof StoreException || e instanceof Failed) {
      err.println("todo: " + e.getMessage());
      return FAILED;
    }
    if (e instanceof IOException) { // a peer or a file that could not be reached
      err.println("todo: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return FAILED;
    }
    err.println("todo: " + e); // a bug: its trace, to report it
    e.printStackTrace(err);
    return FAILED;
  }

  private static String commandPath(CommandLine cmd) {
    String path = cmd.getCommandSpec().qualifiedName(" ");
    return path.equals("todo") ? "" : path.substring("todo ".length()) + " ";
  }

  /** A command that could not do its work, for a reason outside its flags; the message is the one line the user sees. */
  static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message, null, false, false);
    }
  }
}
