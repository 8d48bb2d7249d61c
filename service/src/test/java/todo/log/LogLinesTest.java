package todo.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The product's logback.xml (text format) as a node's events go through it: every line starts
 * with the ISO date and time and names the node; an ERROR carries its exception's stack trace,
 * a WARN with an exception stays one line. (The JSON format: LogFormatIT, with a real node.)
 */
class LogLinesTest {

  private static final String ISO_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";

  @Test
  void aLineStartsWithTheIsoTimeAndNamesTheNode() {
    String out = logged(context -> NodeLog.name(context, "node1@vm"), log -> log.info("Starting to-do server for {}.", "bob"));

    assertThat(out).matches(ISO_TIME + " INFO  node1@vm LogLinesTest - Starting to-do server for bob\\.\\R");
  }

  @Test
  void aProcessWithoutANodeLogsADash() {
    String out = logged(context -> {}, log -> log.warn("No node here."));

    assertThat(out).matches(ISO_TIME + " WARN  - LogLinesTest - No node here\\.\\R");
  }

  @Test
  void anErrorCarriesItsStackTrace() {
    String out = logged(context -> NodeLog.name(context, "node1@vm"),
        log -> log.error("Request failed: {}", "boom", new IllegalStateException("boom")));

    assertThat(out.lines().findFirst().orElseThrow()).matches(ISO_TIME + " ERROR node1@vm LogLinesTest - Request failed: boom");
    assertThat(out).contains("java.lang.IllegalStateException: boom")
        .containsPattern("\tat todo\\.log\\.LogLinesTest\\.");
  }

  @Test
  void aWarningWithAnExceptionStaysOneLine() {
    String out = logged(context -> NodeLog.name(context, "node1@vm"),
        log -> log.warn("Replica {} is not storing changes: {}", "node2@vm", "down", new IllegalStateException("down")));

    assertThat(out).matches(ISO_TIME + " WARN  node1@vm LogLinesTest - Replica node2@vm is not storing changes: down\\R");
  }

  @Test
  void theFormatIsTextUnlessJsonIsAsked() {
    assertThat(LogFormat.of(null)).isEqualTo("text");
    assertThat(LogFormat.of("JSON")).isEqualTo("json");
    assertThat(LogFormat.of("xml")).as("said on stderr, and logged as text").isEqualTo("text");
  }

  /** What {@code log} writes on stdout through a fresh Logback context set up by the product's logback.xml. */
  private static String logged(Consumer<LoggerContext> setUp, Consumer<Logger> log) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8)); // before the appender takes stdout
      configurator.doConfigure(LogLinesTest.class.getResource("/logback.xml"));
      setUp.accept(context);
      log.accept(context.getLogger("todo.log.LogLinesTest"));
    } catch (JoranException e) {
      throw new AssertionError("logback.xml does not load", e);
    } finally {
      System.setOut(stdout);
      context.stop();
    }
    ch.qos.logback.core.util.StatusPrinter2 status = new ch.qos.logback.core.util.StatusPrinter2();
    status.printInCaseOfErrorsOrWarnings(context);
    return captured.toString(StandardCharsets.UTF_8);
  }
}
