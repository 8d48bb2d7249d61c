package todo.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * the distribution API and the to-do system ({@link Todo}) in scope, either as JShell's own interactive tool (history, tab
 * completion, /commands) or evaluating given snippets and exiting ({@code --eval}).
 */
public final class Shell {

  /** What the shell has in scope from the start, beside JShell's default imports. */
  static final List<String> IMPORTS = List.of(
      "import todo.beam.*;",
      "import todo.beam.Process;", // beats java.lang.Process, which `import todo.beam.*` would leave ambiguous
      "import static todo.beam.Dist.*;",
      "import java.time.Duration;",
      "import java.time.LocalDate;",
      "import todo.shell.Todo;", // the to-do system: Todo.Cache.serverProcess("Bob"), as the book's Todo.Cache.server_process
      "import todo.list.Entry;",
      "import todo.list.EntryPatch;");

  /** JShell's DEFAULT startup, which the interactive tool loads itself. */
  private static final List<String> DEFAULT_IMPORTS = List.of("java.io", "java.math", "java.net", "java.nio.file",
      "java.util", "java.util.concurrent", "java.util.function", "java.util.prefs", "java.util.regex", "java.util.stream")
      .stream().map(p -> "import " + p + ".*;").toList();

  private final String classPath;

  private CompletableFuture<JShell> warm;

  /** @param extraClassPath the shell's --class-path, or null */
  public Shell(String extraClassPath) {
    String own = System.getProperty("java.class.path");
    this.classPath = extraClassPath == null ? own : own + java.io.File.pathSeparator + extraClassPath;
  }

  /**
   * Starts JShell for {@link #eval} in the background: its compiler takes seconds to warm
   * up, which can overlap the node's start.
   */
  public Shell prepareEval() {
    warm = CompletableFuture.supplyAsync(() -> {
      JShell shell = JShell.builder().executionEngine(new SnippetCapture(), Map.of()).build();
      shell.addToClasspath(classPath);
      for (String i : DEFAULT_IMPORTS) shell.eval(i);
      for (String i : IMPORTS) shell.eval(i);
      return shell;
    });
    return this;
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
    try (Session session = session()) {
      for (String line : (source + "\n").split("\n", -1)) {
        String failure = session.line(line, out);
        if (failure != null) return new Outcome(failure);
      }
      return new Outcome(session.rest(out));
    }
  }

  /** A JShell of its own, fed line by line, that keeps its variables until closed (a --remsh session). */
  public Session session() {
    if (warm == null) prepareEval();
    Session session = new Session(warm.join());
    warm = null; // the next session gets a JShell of its own
    return session;
  }

  /** One JShell, as at jshell's prompt: a line ends a snippet when the snippet is complete there. */
  public static final class Session implements AutoCloseable {
    private final JShell shell;
    private String pending = "";

    private Session(JShell shell) {
      this.shell = shell;
    }

    /**
     * Adds {@code line} and evaluates each snippet it completes, printing as jshell does; the
     * message of the first that fails (the rest of the line is dropped), or null.
     */
    public String line(String line, PrintStream out) {
      pending += line + "\n";
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      while (!pending.isBlank()) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
        if (!info.completeness().isComplete()) break;
        pending = info.remaining();
        String failure = evalOne(shell, info.source(), out);
        if (failure != null) {
          pending = "";
          return failure;
        }
      }
      return null;
    }

    /** Whether a snippet has begun and not ended yet. */
    public boolean incomplete() {
      return !pending.isBlank();
    }

    /** Evaluates what never completed, so that JShell says what is wrong with it; its failure, or null. */
    public String rest(PrintStream out) {
      if (pending.isBlank()) return null;
      String snippet = pending;
      pending = "";
      return evalOne(shell, snippet, out);
    }

    @Override
    public void close() {
      shell.close();
    }
  }

  private static String evalOne(JShell shell, String snippet, PrintStream out) {
    for (SnippetEvent e : shell.eval(snippet)) {
      if (e.causeSnippet() != null) continue;
      String failure = report(shell, e, out);
      if (failure != null) return failure;
    }
    return null;
  }

  private static String report(JShell shell, SnippetEvent e, PrintStream out) {
    if (e.exception() != null) {
      out.println("|  Exception " + describe(e.exception()));
      String message = e.exception().getMessage();
      return message != null ? message : describe(e.exception());
    }
    if (e.status() == Snippet.Status.REJECTED) {
      List<String> errors = new ArrayList<>();
      shell.diagnostics(e.snippet()).filter(Diag::isError).forEach(d -> errors.add(oneLine(d.getMessage(Locale.ROOT))));
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

  /** javac's "cannot find symbol\n  symbol: method foo()\n  location: class" as one line, without the location. */
  private static String oneLine(String message) {
    return java.util.Arrays.stream(message.split("\n")).map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("location:")).collect(java.util.stream.Collectors.joining(", "));
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

}
