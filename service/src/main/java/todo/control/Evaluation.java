package todo.control;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import todo.beam.Console;

/**
 * One evaluation for a caller: what JShell printed for its snippets and what they printed
 * themselves, in order, cut at {@link #LIMIT} bytes so that the answer fits in one of
 * Artery's frames (256 KiB).
 */
final class Evaluation {

  static final int LIMIT = 128 * 1024;

  /** The output and the failure (null: none) of {@code evaluate}, given the stream to print to. */
  record Result(String output, String failure) {}

  private Evaluation() {}

  static Result run(Function<PrintStream, String> evaluate) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    String failure;
    try {
      failure = Console.into(out, () -> evaluate.apply(out));
    } catch (RuntimeException e) { // JShell itself failed (not the snippet, which JShell reports)
      failure = "the node's JShell failed: " + e;
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    if (output.length() > LIMIT) output = output.substring(0, LIMIT) + "\n... (output cut at " + LIMIT / 1024 + " KiB)\n";
    return new Result(output, failure);
  }

  /** The source as one short line, for the node's log. */
  static String brief(String source) {
    String line = source.strip().replaceAll("\\s+", " ");
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }
}
