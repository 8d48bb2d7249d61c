package todo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command answers bad input with one line and exit code 2, through the one mapping. */
class ExitCodesTest {

  @TempDir
  Path folder;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    return Main.run(cli, args);
  }

  @Test
  void anUnknownFlagIsOneLineAndExitCode2() {
    assertThat(run("start", "--bogus")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("todo: ");
  }

  @Test
  void launchWithAPortThatIsNoNumberIsOneLineAndExitCode2() {
    assertThat(run("launch", "--no-wait", "--db-folder", folder.toString(), "a@127.0.0.1=http")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("todo: 'http' is not an HTTP port" + System.lineSeparator());
  }

  @Test
  void launchWithoutAPortIsOneLineAndExitCode2() {
    assertThat(run("launch", "--no-wait", "--db-folder", folder.toString(), "a@127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("todo: a@127.0.0.1: give NAME@HOST=PORT" + System.lineSeparator());
  }
}
