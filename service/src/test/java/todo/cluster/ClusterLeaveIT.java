package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.named;
import static todo.cluster.Clusters.othersSeenBy;
import static todo.cluster.Clusters.titles;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;

/** SIGTERM of the node that hosts a list, in a three-node cluster of real JVMs, while a client uses the list. */
class ClusterLeaveIT {

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.startedBeforeEach("g");

  @Test
  void aNodeLeavingOnSigtermHandsItsListsOverWithoutAClientError() throws Exception {
    // Preferably a list hosted by a node that does not also run the embedded port mapper (g1),
    // so that the leave is all this test watches.
    List<NodeProcess> nodes = cluster.nodes();
    String list = null;
    String hostName = null;
    for (int i = 0; i < 20 && (hostName == null || hostName.equals(nodes.get(0).name())); i++) {
      list = "leave-" + i;
      hostName = Clusters.hostOf(nodes.get(1), list);
    }
    NodeProcess leaving = named(hostName, nodes);
    List<NodeProcess> staying = nodes.stream().filter(n -> n != leaving).toList();
    NodeProcess via = staying.get(0);

    int exitCode;
    List<String> acknowledged;
    Clusters.Writer client = new Clusters.Writer(via, list, "entry", Duration.ofSeconds(30), true);
    try {
      client.awaitMoreAcknowledged(20, Duration.ofSeconds(30));
      exitCode = leaving.terminate();
      client.awaitMoreAcknowledged(20, Duration.ofSeconds(60));
    } finally {
      acknowledged = client.stop();
    }

    assertThat(client.failures).as("answers other than 200 while %s left", leaving.name()).isEmpty();
    assertThat(exitCode).as("%s's exit status after SIGTERM", leaving.name()).isEqualTo(143);
    assertThat(leaving.logLines("is leaving")).as("%s's output: %s", leaving.name(), leaving.log())
        .singleElement().asString().contains(leaving.name());
    assertThat(Clusters.hostOf(via, list)).isNotEqualTo(leaving.name());
    for (NodeProcess n : staying) {
      assertThat(titles(n, list)).as("%s served by %s", list, n.name()).containsAll(acknowledged).doesNotHaveDuplicates();
    }
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (NodeProcess n : staying) {
        assertThat(othersSeenBy(n)).as("members as %s sees them", n.name()).doesNotContain(leaving.name()).hasSize(1);
      }
    });
  }
}
