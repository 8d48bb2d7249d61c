package todo.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * The JShell half of {@code todo shell}: JShell running in this JVM, the node's JVM, with
 * the distribution API in scope, either as JShell's own interactive tool (history, tab
 * completion, /commands) or evaluating given snippets and exiting ({@code --eval}).
 */
public final class Shell {

  /** What the shell has in scope from the start, beside JShell's default imports. */
  static final List<String> IMPORTS = List.of(
      "import todo.dist.*;",
      "import todo.dist.Process;", // beats java.lang.Process, which `import todo.dist.*` would leave ambiguous
      "import static todo.dist.Dist.*;",
      "import java.time.Duration;");

  private final String classPath;

  /** @param extraClassPath the shell's --class-path, or null */
  public Shell(String extraClassPath) {
    String own = System.getProperty("java.class.path");
    this.classPath = extraClassPath == null ? own : own + java.io.File.pathSeparator + extraClassPath;
  }

  /** The interactive shell, until /exit; its exit code. */
  public int interactive() throws Exception {
    Path startup = Files.createTempFile("todo-shell", ".jsh");
    try {
      Files.write(startup, IMPORTS);
      return JavaShellToolBuilder.builder().start("--execution", SnippetCapture.NAME, "--class-path", classPath,
          "--startup", "DEFAULT", "--startup", startup.toString());
    } finally {
      Files.deleteIfExists(startup);
    }
  }

  /** The outcome of {@link #eval}: the message of the first failure, or null. */
  public record Outcome(String failure) {}

  /**
   * Evaluates {@code source} snippet by snippet, printing values as jshell does
   * ({@code $1 ==> true}), and stops at the first snippet that fails to compile or throws.
   */
  public Outcome eval(String source, PrintStream out) {
    try (JShell shell = JShell.builder().executionEngine(new SnippetCapture(), Map.of()).build()) {
      shell.addToClasspath(classPath);
      for (String i : IMPORTS) shell.eval(i);
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String remaining = source;
      while (!remaining.isBlank()) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
        if (!info.completeness().isComplete()) {
          return fail(out, "incomplete snippet: " + remaining.strip());
        }
        remaining = info.remaining();
        for (SnippetEvent e : shell.eval(info.source())) {
          if (e.causeSnippet() != null) continue;
          String failure = report(shell, e, out);
          if (failure != null) return new Outcome(failure);
        }
      }
      return new Outcome(null);
    }
  }

  private static String report(JShell shell, SnippetEvent e, PrintStream out) {
    if (e.exception() != null) {
      String message = describe(e.exception());
      out.println("|  Exception " + message);
      return message;
    }
    if (e.status() == Snippet.Status.REJECTED) {
      List<String> errors = new ArrayList<>();
      shell.diagnostics(e.snippet()).filter(Diag::isError).forEach(d -> errors.add(d.getMessage(Locale.ROOT)));
      String message = "does not compile: " + e.snippet().source().strip() + ": " + String.join("; ", errors);
      out.println("|  Error: " + message);
      return message;
    }
    if (e.value() != null && (e.snippet() instanceof VarSnippet || e.snippet() instanceof ExpressionSnippet)) {
      String name = e.snippet() instanceof VarSnippet v ? v.name() : ((ExpressionSnippet) e.snippet()).name();
      out.println(name + " ==> " + e.value());
    }
    return null;
  }

  private static String describe(Exception e) {
    if (e instanceof EvalException ee) {
      return ee.getExceptionClassName() + (ee.getMessage() == null ? "" : ": " + ee.getMessage());
    }
    if (e instanceof UnresolvedReferenceException ure) {
      return "unresolved reference in " + ure.getSnippet().source().strip();
    }
    return e.toString();
  }

  private static Outcome fail(PrintStream out, String message) {
    out.println("|  Error: " + message);
    return new Outcome(message);
  }

}
