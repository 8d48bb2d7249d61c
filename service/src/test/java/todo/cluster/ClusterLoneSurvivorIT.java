package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.othersSeenBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;

/** Two real JVMs, one killed: the survivor alone is not a majority of the replica set. */
class ClusterLoneSurvivorIT {

  @TempDir Path dir;
  private NodeProcess survivor;
  private NodeProcess victim;

  @BeforeEach
  void startCluster() throws Exception {
    survivor = new NodeProcess("l1", dir, TestNodes.freePort()).start();
    victim = new NodeProcess("l2", dir, TestNodes.freePort()).start("--connect", survivor.name());
    awaitMesh(survivor, victim);
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (NodeProcess n : new NodeProcess[] {victim, survivor}) if (n != null) n.close();
  }

  @Test
  void aLoneSurvivorServesReadsButRefusesWritesNamingTheMissingNode() throws Exception {
    // Several lists, first asked for through each node in turn, so that some are hosted by each
    // node when the victim dies (a list's server starts on the node its first request came through).
    Map<String, List<String>> lists = new LinkedHashMap<>();
    Map<String, String> hosts = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      String list = "lone-" + i;
      lists.put(list, List.of("first-" + i, "second-" + i));
      NodeProcess through = i % 2 == 0 ? survivor : victim;
      for (String title : lists.get(list)) addAcknowledged(through, list, title);
      hosts.put(list, Clusters.hostOf(survivor, list));
    }

    victim.kill();
    // Crashed and downed: no longer a member, yet still a replica the survivor cannot do without.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(othersSeenBy(survivor)).isEmpty());

    for (var list : lists.entrySet()) {
      String hostedBy = "hosted by " + hosts.get(list.getKey()) + " before the kill";
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
        HttpResponse<String> r = Clusters.entries(survivor, list.getKey(), Duration.ofSeconds(2));
        assertThat(r.statusCode()).as("read of %s (%s): %s", list.getKey(), hostedBy, r.body()).isEqualTo(200);
        assertThat(Clusters.titlesIn(r.body())).containsExactlyElementsOf(list.getValue());
      });

      HttpResponse<String> write = Clusters.add(survivor, list.getKey(), "refused", Duration.ofSeconds(30));
      assertThat(write.statusCode()).as("write to %s (%s): %s", list.getKey(), hostedBy, write.body()).isEqualTo(503);
      assertThat(write.body()).as("the reason given for %s (%s)", list.getKey(), hostedBy)
          .doesNotContain("\n").contains(victim.name());
    }
    for (String list : lists.keySet()) {
      assertThat(Clusters.titles(survivor, list)).as("%s after the refused writes", list).doesNotContain("refused");
    }
  }
}
