package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.ClusterEpmdIT.EMBEDS;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.othersSeenBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.EpmdClient;

/** The embedded port mapper (no epmd answers on this test's own port), taken over when the node running it dies. */
class ClusterEpmdTakeoverIT {

  @TempDir Path dir;
  private final int epmdPort = TestNodes.freePort();
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (NodeProcess n : nodes) n.close();
  }

  private NodeProcess node(String sname) {
    NodeProcess n = new NodeProcess(sname, dir, TestNodes.freePort()).env("ERL_EPMD_PORT", String.valueOf(epmdPort));
    nodes.add(n);
    return n;
  }

  @Test
  void whenTheNodeRunningTheEmbeddedPortMapperDiesAnotherTakesOver() throws Exception {
    NodeProcess t1 = node("t1").start();
    assertThat(t1.logLines(EMBEDS)).as("t1's output: %s", t1.log()).hasSize(1);
    NodeProcess t2 = node("t2").launch("--connect", t1.name());
    NodeProcess t3 = node("t3").launch("--connect", t1.name());
    t2.awaitHealthy();
    t3.awaitHealthy();
    awaitMesh(t1, t2, t3);
    EpmdClient portMapper = new EpmdClient(epmdPort);
    assertThat(portMapper.names("127.0.0.1")).containsOnlyKeys("t1", "t2", "t3");

    t1.kill();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .untilAsserted(() -> assertThat(portMapper.names("127.0.0.1")).containsOnlyKeys("t2", "t3"));
    assertThat(t2.logLines(EMBEDS).size() + t3.logLines(EMBEDS).size()).as("port mappers started by t2 and t3").isEqualTo(1);

    NodeProcess t4 = node("t4").start("--connect", t2.name());
    assertThat(t4.log()).doesNotContain(EMBEDS);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(othersSeenBy(t2)).containsExactlyInAnyOrder(t3.name(), t4.name());
      assertThat(othersSeenBy(t4)).containsExactlyInAnyOrder(t2.name(), t3.name());
    });
  }
}
