package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.othersSeenBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;

/** The replica set outlives crashes: a node that joins later must learn the crashed replicas too. */
class ClusterReplicaSetIT {

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.startedBeforeEach("p");

  @Test
  void aNodeJoiningAfterCrashesCountsTheCrashedReplicasToo() throws Exception {
    NodeProcess p1 = cluster.node(1);
    NodeProcess p2 = cluster.node(2);
    NodeProcess p3 = cluster.node(3);
    addAcknowledged(p1, "before", "three replicas");

    p2.kill();
    p3.kill();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(othersSeenBy(p1)).isEmpty());
    NodeProcess p4 = cluster.another("p4").start("--connect", p1.name());
    Clusters.awaitMembers(p1, p4);

    // The replica set stays [p1, p2, p3]: adding p4 needs a majority of it, and only p1 is up.
    // So no list may take a write, wherever its server runs.
    List<String> hostedOnP4 = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String list = "after-" + i;
      var description = Clusters.describe(p4, list);
      if (description.get("node").asText().equals(p4.name())) hostedOnP4.add(list);
      assertThat(description.get("replicas").properties()).as("replicas of %s as p4 describes them", list)
          .extracting(java.util.Map.Entry::getKey)
          .containsExactlyInAnyOrder(p1.name(), p2.name(), p3.name());
      HttpResponse<String> write = Clusters.add(p4, list, "only two of four", Duration.ofSeconds(30));
      assertThat(write.statusCode()).as("write to %s hosted by %s: %s", list, description.get("node").asText(), write.body())
          .isEqualTo(503);
    }
    assertThat(hostedOnP4).as("lists hosted on p4 (the case that goes wrong)").isNotEmpty();
  }
}
