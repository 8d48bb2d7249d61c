package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.server.TodoServer;

/** A cluster speaks one protocol version: a node of another is refused at join, and the cluster goes on. */
class ProtocolTest {

  @TempDir Path dir;

  @Test
  void aMemberAnnouncesItsVersionAndABuildBeforeVersionsSpeaksTheFirst() {
    assertThat(NodeRoles.protocol(Set.of(NodeRoles.nodeRole("a@h"), NodeRoles.protocolRole(Protocol.VERSION))))
        .isEqualTo(Protocol.VERSION);
    assertThat(NodeRoles.protocol(Set.of(NodeRoles.nodeRole("a@h"), NodeRoles.protocolRole(7)))).isEqualTo(7);
    assertThat(NodeRoles.protocol(Set.of(NodeRoles.nodeRole("a@h"), NodeRoles.DATA))).as("a build before versions").isEqualTo(1);
  }

  @Test
  void theRefusalNamesTheClusterAndBothVersions() {
    assertThat(Protocol.refusal("node1@vm", 1, 2)).startsWith(
        "cannot join the cluster of node1@vm: it speaks protocol 1, this node speaks protocol 2. ")
        .endsWith("(docs/OPERATIONS.md, \"Rolling upgrades\").").doesNotContain("\n");
  }

  @Test
  void aNodeOfAnotherVersionIsRefusedAndTheClusterKeepsServing() {
    TodoSystem a = TestNodes.start("a", dir);
    try {
      assertThatThrownBy(() -> TestNodes.startWith(Map.of("todo.protocol-version", String.valueOf(Protocol.VERSION + 1)),
          "b", dir, "a@localhost"))
          .isInstanceOf(CannotStart.class)
          .hasMessageStartingWith("cannot join the cluster of a@localhost: it speaks protocol " + Protocol.VERSION
              + ", this node speaks protocol " + (Protocol.VERSION + 1) + ". ");

      await().atMost(Duration.ofSeconds(60)).until(() -> Members.up(Cluster.get(a.actorSystem())).size() == 1);
      assertThat(a.database().replicaSet().nodes()).containsOnlyKeys("a@localhost");
      TodoServer.Description bob = a.cache().serverProcess("bob").ask(TodoServer.Describe::new, Duration.ofSeconds(30))
          .toCompletableFuture().join();
      assertThat(bob.node()).isEqualTo("a@localhost");
    } finally {
      a.stop();
    }
  }
}
