package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.othersSeenBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.TestCertificates;

/**
 * The operator's own CA instead of the cookie's, with real JVMs: two nodes with certificates
 * of that CA (one PEM, one PKCS12) form a cluster; a third with the same cookie but a
 * certificate of another CA is refused, and the member says why.
 */
class ClusterOwnCaIT {

  @TempDir Path dir;
  private NodeProcess a1;
  private NodeProcess a2;
  private NodeProcess intruder;

  @AfterEach
  void stop() throws Exception {
    for (NodeProcess n : new NodeProcess[] {intruder, a2, a1}) if (n != null) n.close();
  }

  @Test
  void nodesWithTheCasCertificatesFormAClusterAndAnotherCasAreRefused() throws Exception {
    TestCertificates ca = TestCertificates.ca("ops CA");
    TestCertificates other = TestCertificates.ca("another CA");
    String trust = ca.writeTrustStore(dir.resolve("ca.pem")).toString();

    a1 = new NodeProcess("a1", dir, TestNodes.freePort())
        .env("TODO_TLS_KEY_STORE", ca.writePemKeyStore("a1@127.0.0.1", dir.resolve("a1.pem")).toString())
        .env("TODO_TLS_TRUST_STORE", trust).start();
    a2 = new NodeProcess("a2", dir, TestNodes.freePort())
        .env("TODO_TLS_KEY_STORE", ca.writePkcs12KeyStore("a2@127.0.0.1", dir.resolve("a2.p12"), "changeit").toString())
        .env("TODO_TLS_TRUST_STORE", trust).env("TODO_TLS_PASSWORD", "changeit").start("--connect", a1.name());
    awaitMesh(a1, a2);
    addAcknowledged(a2, "own-ca", "stored on both");

    int a1Before = a1.log().length();
    intruder = new NodeProcess("x1", dir, TestNodes.freePort())
        .env("TODO_TLS_KEY_STORE", other.writePemKeyStore("x1@127.0.0.1", dir.resolve("x1.pem")).toString())
        .env("TODO_TLS_TRUST_STORE", trust)
        .env("TODO_JAVA_OPTS", "-Dtodo.join-timeout=5s");
    intruder.launch("--connect", a1.name());
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(othersSeenBy(a1)).as("members as a1 sees them while x1 tries to join").doesNotContain(intruder.name());
      return !intruder.isAlive();
    });
    OptionalInt exit = intruder.awaitExit(Duration.ofSeconds(5));
    assertThat(exit).as("x1's output: %s", intruder.log()).isPresent();
    assertThat(exit.getAsInt()).as("x1's output: %s", intruder.log()).isEqualTo(1);
    assertThat(othersSeenBy(a1)).containsExactly(a2.name());
    String a1DuringTheAttempt = a1.log().substring(a1Before);
    // x1 has no certificate of a CA that a1 names in its request for one, so it shows none, and a1 hangs up.
    assertThat(a1DuringTheAttempt.lines().filter(l -> l.contains("Refused a connection")).toList())
        .as("a1's output while x1 tried to join: %s", a1DuringTheAttempt)
        .singleElement().asString().contains("a node with another CA");
    assertThat(intruder.logLines("todo: node " + intruder.name() + " could not join " + a1.name()))
        .as("x1's last word; its output: %s", intruder.log()).hasSize(1);
  }
}
