package todo.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The short fault campaign: {@code ./todo faults} for 2 minutes on 3 nodes, with kills,
 * pauses, (as root, in network namespaces) partitions, and graceful stops with lone
 * restarts, must find nothing lost, resurrected, duplicated or divergent, and the stores
 * must converge. Every campaign opens with a stop of all nodes restarted each alone (issue
 * 9's lost write came from such a maintenance stop), so this one always has it. Not root,
 * it runs on loopback without partitions, and says so. The seed is random and printed; run
 * the same campaign again with {@code ./todo faults --nodes 3 --duration 2m --seed S}.
 */
class ShortCampaignIT {

  /** The checkout, where ./todo is (the build sets todo.checkout). */
  private static final Path PROJECT = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize();

  @Test
  void twoMinutesOfFaultsLoseNothing() throws Exception {
    long seed = Long.getLong("faults.seed", Math.abs(System.nanoTime() % 1_000_000));
    Path dir = Files.createDirectories(PROJECT.resolve("faults/target/faults"));
    Path report = dir.resolve("short-campaign-" + seed + ".txt");
    Path output = dir.resolve("short-campaign-" + seed + ".out");
    Process p = new ProcessBuilder(List.of(PROJECT.resolve("todo").toString(), "faults", "--nodes", "3",
        "--duration", "2m", "--seed", String.valueOf(seed), "--report", report.toString()))
        .directory(PROJECT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroy(); // SIGTERM: its shutdown hook kills the nodes and removes the namespaces
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String out = Files.readString(output);
    System.out.println(out);
    if (out.contains("no partitions:")) System.out.println("ShortCampaignIT: PARTITIONS NOT TESTED: " + out.lines()
        .filter(l -> l.startsWith("no partitions:")).findFirst().orElse(""));
    assertThat(p.isAlive()).as("the campaign ran over 10 minutes:\n%s", out).isFalse();
    assertThat(p.exitValue()).as("campaign with seed %d failed; report %s:\n%s", seed, report, out).isZero();
    assertThat(out).contains("result               PASS");
    for (String anomaly : List.of("lost", "resurrected", "duplicated", "divergent")) {
      assertThat(out).containsPattern("(?m)^  " + anomaly + " +0\\b");
    }
    assertThat(out).as("the campaign stopped every node and started them alone").containsPattern("(?m)^  stop-all +[1-9]")
        .contains("all-alone");
  }
}
