package todo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code ./todo demo --pause}: the chapter's cluster test, one Enter before each step, and the page to watch it in. */
class DemoIT {

  private static final int STEPS = 5; // node2 and node3 join, Bob, the files, the kill, the stop

  @Test
  void withPauseEachStepWaitsForOneEnterAndThePageOfASurvivorIsGiven() throws Exception {
    NodeProcess.Result demo = NodeProcess.runTyping("\n".repeat(STEPS), Duration.ofMinutes(5), "demo", "--pause");

    assertThat(demo.exitCode()).as(demo.output()).isZero();
    assertThat(demo.output().split("Press Enter to go on", -1)).as(demo.output()).hasSize(STEPS + 1);
    assertThat(demo.output()).contains("Watch it in a browser: node1's page is http://127.0.0.1:",
        "Next: kill node2@", "#list=Bob&date=2018-12-19", "Bob is back");
  }
}
