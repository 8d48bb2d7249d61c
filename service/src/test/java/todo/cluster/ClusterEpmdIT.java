package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.awaitMesh;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.EpmdClient;

/**
 * Real JVMs registered with Erlang's own epmd (run on a port of this test's own): epmd -names
 * lists them, and a node found through another host port mapper cannot bring a taken name
 * into the cluster. Skipped, saying so, where epmd is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterEpmdIT {

  static final String EMBEDS = "runs one (EPMD protocol)";

  @TempDir static Path dir;
  private Epmds epmd;
  private NodeProcess e1;
  private NodeProcess e2;
  private Twin twin;

  @BeforeAll
  void startEpmdAndCluster() throws Exception {
    Assumptions.assumeTrue(Epmds.installed(), Epmds.NOT_INSTALLED);
    epmd = Epmds.start(TestNodes.freePort(), dir.resolve("epmd.log"));
    e1 = node("e1", epmd.port(), dir).start();
    e2 = node("e2", epmd.port(), dir).start("--connect", e1.name()); // e1's port, as epmd gave it
    awaitMesh(e1, e2);
  }

  @AfterAll
  void stopAll() throws Exception {
    for (NodeProcess n : new NodeProcess[] {twin == null ? null : twin.node(), e2, e1}) if (n != null) n.close();
    if (epmd != null) epmd.close();
  }

  private static NodeProcess node(String sname, int epmdPort, Path folder) {
    return new NodeProcess(sname, folder, TestNodes.freePort()).env("ERL_EPMD_PORT", String.valueOf(epmdPort));
  }

  @Test
  void epmdNamesListsOurNodesWithTheirPorts() throws Exception {
    String names = epmd.command("-names");
    Map<String, Integer> registered = new EpmdClient(epmd.port()).names("127.0.0.1");
    assertThat(registered).as("epmd -names said: %s", names).containsOnlyKeys("e1", "e2");
    for (var r : registered.entrySet()) {
      assertThat(names).contains("name " + r.getKey() + " at port " + r.getValue());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", r.getValue()), 2000); // the node listens there
      }
    }
    assertThat(e1.log()).as("e1 used the running epmd").doesNotContain(EMBEDS);
    assertThat(e2.log()).as("e2 used the running epmd").doesNotContain(EMBEDS);
  }

  @Test
  void aTwinThatFindsTheClusterThroughAnotherPortMapperIsRefusedByTheCluster() throws Exception {
    Twin t = twinTriedToJoin();
    assertThat(t.exit()).as("the twin's exit code; its output: %s", t.node().log()).hasValue(2);
    List<String> lines = t.node().log().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).as("the twin's last word; its output: %s", t.node().log())
        .startsWith("todo:").contains(e1.name()).contains("taken");

    // The first e1 keeps serving, as a member and as a replica.
    assertThat(e1.isAlive()).isTrue();
    awaitMesh(e1, e2);
    Clusters.addAcknowledged(e2, "after-the-twin", "two replicas");
    assertThat(Clusters.describe(e2, "after-the-twin").get("replicas").properties())
        .extracting(Map.Entry::getKey).containsExactlyInAnyOrder(e1.name(), e2.name());
  }

  @Test
  void aRefusedTwinLeavingDoesNotTakeTheFirstNodeOutOfTheReplicaSet() throws Exception {
    Twin t = twinTriedToJoin();
    assertThat(t.exit()).hasValue(2);
    assertThat(t.node().log()).contains("is taken in this cluster"); // the twin did reach the cluster
    assertThat(e2.logLines(e1.name() + " left gracefully")).as("e2's output: %s", e2.log()).isEmpty();
    assertThat(e2.logLines("Replica set:")).as("e2's output: %s", e2.log())
        .allSatisfy(line -> assertThat(line).contains(e1.name()));
  }

  private record Twin(NodeProcess node, OptionalInt exit) {}

  /**
   * Once per class: a second e1, whose host port mapper (another epmd) knows e2, connects to
   * e2. It reaches the cluster, where its name is taken.
   */
  private synchronized Twin twinTriedToJoin() throws Exception {
    if (twin != null) return twin;
    int e2Port = new EpmdClient(epmd.port()).portOf("127.0.0.1", "e2").orElseThrow();
    try (Epmds other = Epmds.start(TestNodes.freePort(), dir.resolve("other-epmd.log"));
         Socket e2There = new EpmdClient(other.port()).register("e2", e2Port)) {
      NodeProcess second = node("e1", other.port(), dir.resolve("twin"));
      twin = new Twin(second, OptionalInt.empty());
      second.launch("--connect", e2.name());
      twin = new Twin(second, second.awaitExit(Duration.ofSeconds(90)));
      return twin;
    }
  }
}
