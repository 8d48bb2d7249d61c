package todo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The node-control commands refuse bad arguments in one line, exit code 2, before reaching for any node. */
class NodeControlArgumentsTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    return Main.run(cli, args);
  }

  private String oneLine() {
    assertThat(err.toString().lines()).hasSize(1);
    return err.toString().strip();
  }

  @Test
  void aNodeNameWithoutAHostIsRefused() {
    for (String command : new String[] {"ping", "nodes", "stop"}) {
      err.getBuffer().setLength(0);
      assertThat(run(command, "node1")).as(command).isEqualTo(2);
      assertThat(oneLine()).isEqualTo("todo: NODE@HOST must look like name@host: node1");
    }
  }

  @Test
  void aMissingNodeIsRefused() {
    assertThat(run("ping")).isEqualTo(2);
    assertThat(oneLine()).startsWith("todo: Missing required parameter: 'NODE@HOST'");
  }

  @Test
  void rpcWithoutSourceIsRefused() {
    assertThat(run("rpc", "node1@localhost", " ")).isEqualTo(2);
    assertThat(oneLine()).isEqualTo("todo: JAVA is empty: give the snippets to evaluate (see: todo rpc --help)");
  }

  @Test
  void remshTakesNoEval() {
    assertThat(run("shell", "--remsh", "node1@localhost", "--eval", "1")).isEqualTo(2);
    assertThat(oneLine()).startsWith("todo: --remsh takes no --eval");
  }

  @Test
  void aSecondDaemonFlagValueIsRefused() {
    assertThat(run("start", "--daemon", "--http-port", "70000")).isEqualTo(2);
    assertThat(oneLine()).startsWith("todo: --http-port must be a port number");
  }
}
