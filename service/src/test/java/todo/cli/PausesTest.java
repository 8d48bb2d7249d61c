package todo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code todo demo --pause}: the flag parses, and each step waits for one Enter after saying what comes next. */
class PausesTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Pauses pauses(boolean on, String typed) {
    return new Pauses(on, new BufferedReader(new StringReader(typed)), new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  private String said() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void thePauseFlagParses() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--pause");

    assertThat(demo.pause).isTrue();
  }

  @Test
  void withoutTheFlagTheDemoDoesNotPause() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs();

    assertThat(demo.pause).isFalse();
  }

  @Test
  void eachStepSaysWhatComesNextAndTakesOneEnter() throws Exception {
    Pauses pauses = pauses(true, "\n\n\n");
    pauses.before("start node2");
    pauses.before("kill node2");

    assertThat(said()).contains("Next: start node2. Press Enter to go on...", "Next: kill node2. Press Enter to go on...");
    assertThat(said().split("Press Enter", -1)).hasSize(3);
  }

  @Test
  void offItNeitherSaysNorReads() throws Exception {
    BufferedReader typed = new BufferedReader(new StringReader("\n"));
    new Pauses(false, typed, new PrintStream(out, true, StandardCharsets.UTF_8)).before("kill node2");

    assertThat(said()).isEmpty();
    assertThat(typed.readLine()).isEmpty(); // the Enter is still there
  }

  @Test
  void atTheEndOfTheInputItStopsWaiting() throws Exception {
    Pauses pauses = pauses(true, "\n");
    pauses.before("one");
    pauses.before("two"); // the input ends here
    pauses.before("three");

    assertThat(said()).contains("Next: two.").doesNotContain("three");
  }
}
