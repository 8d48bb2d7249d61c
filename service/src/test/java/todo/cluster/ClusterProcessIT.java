package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.httpSeenBy;
import static todo.cluster.Clusters.othersSeenBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.EpmdClient;
import todo.store.StoreReader;

/**
 * One three-node cluster of real JVMs, joined as the book joins them (c2 connects to c1, c3
 * to c2), shared by the tests that leave it as they found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterProcessIT {

  @TempDir static Path dir;
  private NodeProcess c1;
  private NodeProcess c2;
  private NodeProcess c3;
  private final List<NodeProcess> others = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    c1 = new NodeProcess("c1", dir, TestNodes.freePort()).start();
    c2 = new NodeProcess("c2", dir, TestNodes.freePort()).start("--connect", c1.name());
    c3 = new NodeProcess("c3", dir, TestNodes.freePort()).start("--connect", c2.name());
  }

  @AfterEach
  void stopOthers() throws Exception {
    for (NodeProcess n : others) n.close();
    others.clear();
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (NodeProcess n : new NodeProcess[] {c3, c2, c1}) if (n != null) n.close();
  }

  @Test
  void joiningThroughAnyMemberJoinsTheWholeCluster() throws Exception {
    awaitMesh(c1, c2, c3); // c1 never heard of c3 directly: it lists it all the same
    for (NodeProcess n : List.of(c1, c2, c3)) {
      assertThat(httpSeenBy(n)).as("HTTP addresses as %s lists them", n.name()).containsExactlyInAnyOrderEntriesOf(Map.of(
          c1.name(), "http://127.0.0.1:" + c1.httpPort(),
          c2.name(), "http://127.0.0.1:" + c2.httpPort(),
          c3.name(), "http://127.0.0.1:" + c3.httpPort()));
      assertThat(n.getJson("/api/cluster").get("self").asText()).isEqualTo(n.name());
    }
  }

  @Test
  void everyNodesOwnSqliteFileHoldsEveryEntryAtTheSameVersion() throws Exception {
    awaitMesh(c1, c2, c3);
    String list = "replicated";
    List<String> titles = List.of("Dentist", "Shopping", "Movies", "Gym", "Taxes");
    for (String title : titles) addAcknowledged(c2, list, title);
    long version = Clusters.describe(c2, list).get("version").asLong();
    assertThat(version).isGreaterThanOrEqualTo(titles.size());

    // A change is acknowledged once a majority has it; the last copy may be a moment behind.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      List<StoreReader.StoredRow> reference = rows(c1.dataFile(), list);
      for (NodeProcess n : List.of(c1, c2, c3)) {
        assertThat(storedVersion(n.dataFile(), list)).as("version of %s in %s", list, n.dataFile()).isEqualTo(version);
        assertThat(rows(n.dataFile(), list)).as("entries of %s in %s", list, n.dataFile()).isEqualTo(reference);
        assertThat(liveTitles(n.dataFile(), list)).as("titles in %s", n.dataFile()).containsExactlyInAnyOrderElementsOf(titles);
      }
    });
  }

  @Test
  void aSecondNodeWithATakenNameIsRefusedAndTheFirstKeepsServing() throws Exception {
    EpmdClient epmd = new EpmdClient(TestNodes.EPMD_PORT);
    int c1Port = epmd.portOf("127.0.0.1", "c1").orElseThrow();
    NodeProcess twin = new NodeProcess("c1", dir.resolve("twin"), TestNodes.freePort());
    others.add(twin);
    twin.launch();
    OptionalInt exit = twin.awaitExit(Duration.ofSeconds(90));

    assertThat(exit).as("exit code of a second c1; its output: %s", twin.log()).hasValue(2);
    assertThat(twin.log().strip()).as("what the second c1 said").doesNotContain("\n")
        .startsWith("todo:").contains(c1.name()).contains("taken");
    assertThat(c1.get("/health").statusCode()).isEqualTo(200);
    assertThat(epmd.portOf("127.0.0.1", "c1")).as("c1's registration").contains(c1Port);
    awaitMesh(c1, c2, c3);
  }

  @Test
  void theDistributionPortIsTheFirstFreeOneOfTheRange() throws Exception {
    try (ServerSocket occupied = occupiedStartOfAFreeRange(4)) {
      int first = occupied.getLocalPort();
      int last = first + 3;
      NodeProcess ranged = new NodeProcess("ranged1", dir, TestNodes.freePort());
      others.add(ranged);
      ranged.start("--dist-port-range", first + "-" + last);

      int port = new EpmdClient(TestNodes.EPMD_PORT).portOf("127.0.0.1", "ranged1").orElseThrow();
      assertThat(port).as("registered distribution port, range %d-%d with %d taken", first, last, first)
          .isBetween(first + 1, last);
      try (var probe = new java.net.Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 2000); // the node listens where it says
      }
      assertThat(ranged.terminate()).as("exit status after SIGTERM").isEqualTo(143);
    }
  }

  /** A ServerSocket on the first of {@code size} consecutive ports that were all free on loopback. */
  private static ServerSocket occupiedStartOfAFreeRange(int size) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 200; attempt++) {
      int first = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      List<ServerSocket> probes = new ArrayList<>();
      try {
        for (int p = first; p < first + size; p++) probes.add(new ServerSocket(p, 50, loopback));
        for (ServerSocket s : probes.subList(1, probes.size())) s.close();
        return probes.get(0);
      } catch (java.io.IOException taken) {
        for (ServerSocket s : probes) s.close();
      }
    }
    throw new IllegalStateException("no " + size + " consecutive free ports found");
  }

  private static long storedVersion(Path file, String list) throws Exception {
    try (StoreReader store = StoreReader.open(file)) {
      return store.version(list);
    }
  }

  /** Every row of the list, deleted ones too, as the file holds it. */
  private static List<StoreReader.StoredRow> rows(Path file, String list) throws Exception {
    try (StoreReader store = StoreReader.open(file)) {
      return store.rows(list);
    }
  }

  private static List<String> liveTitles(Path file, String list) throws Exception {
    try (StoreReader store = StoreReader.open(file)) {
      return store.entries(list).stream().map(StoreReader.StoredEntry::title).toList();
    }
  }
}
