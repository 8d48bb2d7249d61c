package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static todo.cluster.Clusters.add;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.titles;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;

/**
 * A maintenance stop of a whole cluster, then starts in an awkward order: each node alone
 * first, then together. The replica set is agreed, so a node alone from a folder of a larger
 * cluster takes a write only if the set it last agreed on is itself alone; and whatever any
 * of them acknowledged is there once they meet again. And nodes that all start with the same
 * TODO_CONNECT, as a StatefulSet's pods do: the first of the list forms the cluster only when
 * none of the others is up.
 */
class ClusterRestartIT {

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.madeBeforeEach("r");

  @Test
  void stoppingEveryNodeAndStartingThemAloneInTurnLosesNoAcknowledgedWrite() throws Exception {
    cluster.start();
    List<NodeProcess> nodes = cluster.nodes();
    NodeProcess r1 = cluster.node(1);
    NodeProcess r2 = cluster.node(2);
    NodeProcess r3 = cluster.node(3);
    List<String> acknowledged = new ArrayList<>();
    addAcknowledged(r1, "maintenance", "before the stop");
    acknowledged.add("before the stop");

    // a maintenance stop: SIGTERM to every node at about the same time
    List<CompletableFuture<Integer>> stops = new ArrayList<>();
    for (NodeProcess n : nodes) stops.add(CompletableFuture.supplyAsync(() -> {
      try {
        return n.terminate();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }));
    for (CompletableFuture<Integer> stop : stops) assertThat(stop.join()).isEqualTo(143);

    List<String> answers = new ArrayList<>();
    for (NodeProcess alone : List.of(r3, r1)) { // each alone, without --connect, one after the other
      alone.start();
      String title = "while " + alone.name() + " was alone";
      HttpResponse<String> write = add(alone, "maintenance", title, Duration.ofSeconds(30));
      answers.add(alone.name() + ": " + write.statusCode() + " " + write.body());
      if (write.statusCode() == 200) {
        acknowledged.add(title);
      } else {
        assertThat(write.statusCode()).as("a lone node's answer: %s", write.body()).isEqualTo(503);
        assertThat(write.body()).as("the reason a lone node gives").doesNotContain("\n").contains("todo forget");
      }
      assertThat(alone.terminate()).isEqualTo(143);
    }
    assertThat(acknowledged).as("answers while alone: %s", answers).hasSizeLessThan(3); // never both: their sets overlap

    r1.start();
    r2.launch("--connect", r1.name());
    r3.launch("--connect", r1.name());
    r2.awaitHealthy();
    r3.awaitHealthy();
    awaitMesh(r1, r2, r3);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .untilAsserted(() -> {
          for (NodeProcess n : nodes) {
            assertThat(titles(n, "maintenance")).as("read through %s (answers while alone: %s)", n.name(), answers)
                .containsAll(acknowledged).doesNotHaveDuplicates();
          }
        });
    addAcknowledged(r2, "maintenance", "after the restart"); // and the cluster takes writes again
  }

  /**
   * Kubernetes' way (deploy/kubernetes/todo.yaml): every node gets the same TODO_CONNECT, the
   * first nodes. The first of them, started when no other is up, forms the cluster (before, it
   * refused to start: none to connect to); killed and started again beside the running others,
   * it joins them instead of forming a second cluster of its own.
   */
  @Test
  void theFirstNodeOfEveryNodesConnectListFormsTheClusterOnlyWhenNoneOfTheOthersIsUp() throws Exception {
    NodeProcess r1 = cluster.node(1);
    NodeProcess r2 = cluster.node(2);
    NodeProcess r3 = cluster.node(3);
    for (NodeProcess n : cluster.nodes()) n.env("TODO_CONNECT", r1.name() + "," + r2.name());
    r1.start();
    assertThat(r1.logLines("is first of its --connect list: it forms the cluster unless one of [" + r2.name() + "] is up")).hasSize(1);
    assertThat(r1.logLines("cluster of 1.")).hasSize(1);
    r2.launch();
    r3.launch();
    r2.awaitHealthy();
    r3.awaitHealthy();
    awaitMesh(r1, r2, r3);
    addAcknowledged(r2, "pods", "before the kill");

    r1.kill();
    r1.start();
    awaitMesh(r1, r2, r3);
    assertThat(titles(r1, "pods")).containsExactly("before the kill");
    addAcknowledged(r1, "pods", "after the restart");
    assertThat(titles(r3, "pods")).containsExactly("before the kill", "after the restart");
  }
}
