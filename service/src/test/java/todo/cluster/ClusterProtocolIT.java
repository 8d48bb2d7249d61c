package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;

/**
 * Real JVMs of two versions: a node that speaks another protocol than the cluster of v1 and
 * w1 it joins is refused with one line and exits, and the cluster goes on serving; a member
 * of the cluster's own protocol killed with SIGKILL rejoins past the same check; a node whose
 * store file a newer release wrote refuses to start. (The other version is made with the
 * test-only setting todo.protocol-version and with the file's user_version.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterProtocolIT {

  @TempDir static Path dir;
  private NodeProcess v1;
  private NodeProcess w1;
  private NodeProcess v2;
  private NodeProcess newerFile;

  @BeforeAll
  void startCluster() throws Exception {
    v1 = new NodeProcess("v1", dir, TestNodes.freePort()).start();
    w1 = new NodeProcess("w1", dir, TestNodes.freePort()).start("--connect", v1.name());
    Clusters.awaitReplicaSet(v1, w1);
    Clusters.addAcknowledged(v1, "before-v2", "written by v1");
  }

  @AfterAll
  void stopAll() throws Exception {
    for (NodeProcess n : new NodeProcess[] {newerFile, v2, w1, v1}) if (n != null) n.close();
  }

  @Test
  void aNodeOfAnotherProtocolIsRefusedWithOneLineAndTheClusterKeepsServing() throws Exception {
    v2 = new NodeProcess("v2", dir, TestNodes.freePort()).env("TODO_JAVA_OPTS", "-Dtodo.protocol-version=2");
    v2.launch("--connect", v1.name());
    assertThat(v2.awaitExit(Duration.ofSeconds(120))).as("v2's exit code; its output: %s", v2.log()).hasValue(1);
    List<String> lines = v2.log().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).as("v2's last word; its output: %s", v2.log())
        .matches("todo: cannot join the cluster of (v1|w1)@127\\.0\\.0\\.1: it speaks protocol 1, this node speaks protocol 2\\. "
            + "Run one release's protocol in a cluster: start this node with the release the cluster runs, or upgrade "
            + "the whole cluster \\(docs/OPERATIONS\\.md, \"Rolling upgrades\"\\)\\.");
    assertThat(v2.logLines("is up")).as("v2 never served").isEmpty();

    for (NodeProcess member : List.of(v1, w1)) {
      assertThat(member.logLines(v2.name() + " joined speaking protocol 2, this node speaks 1"))
          .as("%s's output: %s", member.name(), member.log()).hasSize(1);
      assertThat(member.isAlive()).isTrue();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> Clusters.othersSeenBy(v1).equals(List.of(w1.name())));
    Clusters.addAcknowledged(w1, "after-v2", "still serving");
    assertThat(Clusters.titles(v1, "after-v2")).containsExactly("still serving");
    assertThat(Clusters.titles(w1, "before-v2")).containsExactly("written by v1");
    assertThat(Clusters.replicaSetSeenBy(v1)).containsExactlyInAnyOrder(v1.name(), w1.name());
  }

  @Test
  void aMemberOfTheClustersOwnProtocolKilledWithSigkillRejoins() throws Exception {
    w1.kill();
    w1.start("--connect", v1.name());
    Clusters.awaitMesh(v1, w1);
    assertThat(w1.logLines("cannot join")).as("w1's output: %s", w1.log()).isEmpty();
    assertThat(w1.logLines("(schema 1), protocol 1")).as("w1's output: %s", w1.log()).isNotEmpty();
    Clusters.addAcknowledged(w1, "after-sigkill", "w1 again");
    assertThat(Clusters.titles(v1, "after-sigkill")).containsExactly("w1 again");
    assertThat(Clusters.titles(w1, "before-v2")).containsExactly("written by v1");
  }

  @Test
  void aStoreFileOfANewerSchemaIsRefusedWithOneLine() throws Exception {
    Path folder = dir.resolve("newer");
    Path file = folder.resolve("n1/todo.db");
    Files.createDirectories(file.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement().execute("PRAGMA user_version = 9");
    }
    newerFile = new NodeProcess("n1", folder, TestNodes.freePort());
    newerFile.launch();
    assertThat(newerFile.awaitExit(Duration.ofSeconds(120))).as("its output: %s", newerFile.log()).hasValue(1);
    List<String> lines = newerFile.log().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).as("its output: %s", newerFile.log())
        .startsWith("todo: cannot open ").contains(file.getFileName().toString())
        .contains(": its schema is version 9, newer than this build's 1 (");
  }
}
