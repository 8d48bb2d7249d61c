package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.othersSeenBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.EpmdClient;

/**
 * The cookie and the distribution port, against a two-node cluster of real JVMs: a node with
 * another cookie cannot join and both sides say why; junk on the port harms nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSecurityIT {

  @TempDir static Path dir;
  private NodeProcess s1;
  private NodeProcess s2;
  private NodeProcess intruder;
  private OptionalInt intruderExit;
  /** What s1 said while the intruder tried. */
  private String s1DuringTheAttempt;

  @BeforeAll
  void startCluster() throws Exception {
    s1 = new NodeProcess("s1", dir, TestNodes.freePort()).start();
    s2 = new NodeProcess("s2", dir, TestNodes.freePort()).start("--connect", s1.name());
    awaitMesh(s1, s2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (NodeProcess n : new NodeProcess[] {intruder, s2, s1}) if (n != null) n.close();
  }

  /**
   * Once per class: x1, holding another cookie, tries to join through s1 with a join timeout
   * of 5 s (instead of 20). While it runs, s1 must never list it.
   */
  private synchronized void intruderTriedToJoin() throws Exception {
    if (intruder != null) return;
    int s1Before = s1.log().length();
    intruder = new NodeProcess("x1", dir, TestNodes.freePort())
        .env("TODO_COOKIE", "another-cookie")
        .env("TODO_JAVA_OPTS", "-XX:+UseParallelGC -Xmx256m -Dtodo.join-timeout=5s");
    intruder.launch("--connect", s1.name());
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(othersSeenBy(s1)).as("members as s1 sees them while x1 tries to join").doesNotContain(intruder.name());
      return !intruder.isAlive();
    });
    intruderExit = intruder.awaitExit(Duration.ofSeconds(5));
    s1DuringTheAttempt = s1.log().substring(s1Before);
  }

  @Test
  void aNodeWithAnotherCookieCannotJoinAndSaysWhy() throws Exception {
    intruderTriedToJoin();
    assertThat(intruderExit).as("x1's exit code; its output: %s", intruder.log()).isPresent();
    assertThat(intruderExit.getAsInt()).as("x1's exit code; its output: %s", intruder.log()).isNotZero();
    assertThat(othersSeenBy(s1)).containsExactly(s2.name());
    assertThat(othersSeenBy(s2)).containsExactly(s1.name());
    assertThat(intruder.logLines("Cannot talk to node " + s1.name())).as("x1's output: %s", intruder.log())
        .singleElement().asString().contains("another cookie");
    assertThat(intruder.logLines("todo: node " + intruder.name() + " could not join " + s1.name()))
        .as("x1's last word; its output: %s", intruder.log()).hasSize(1);
  }

  @Test
  void theNodeThatWasAskedLogsTheRefusalOnce() throws Exception {
    intruderTriedToJoin();
    // Under TLS 1.3 the intruder hangs up before showing its certificate: s1 cannot name it, only say why.
    assertThat(s1DuringTheAttempt.lines().filter(l -> l.contains("Refused a connection")).toList())
        .as("s1's output while x1 tried to join: %s", s1DuringTheAttempt)
        .singleElement().asString().contains("cookie");
  }

  @Test
  void junkOnTheDistributionPortIsDroppedWithoutHarm() throws Exception {
    int port = new EpmdClient(TestNodes.EPMD_PORT).portOf("127.0.0.1", "s1").orElseThrow();
    Random random = new Random(42);

    byte[] junk = new byte[64 * 1024];
    random.nextBytes(junk);
    try (Socket s = connect(port)) {
      try {
        s.getOutputStream().write(junk);
        s.getOutputStream().flush();
      } catch (java.io.IOException closedWhileSending) {
        // dropped even sooner
      }
      assertThat(readsUntilClosed(s.getInputStream())).as("s1 closes a connection that sends junk").isTrue();
    }

    // The start of a TLS ClientHello announcing 512 bytes, then silence and a close.
    byte[] partialHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
    try (Socket s = connect(port)) {
      OutputStream out = s.getOutputStream();
      out.write(partialHello);
      byte[] someRandom = new byte[20];
      random.nextBytes(someRandom);
      out.write(someRandom);
      out.flush();
    }

    try (Socket s = connect(port)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: s1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(readsUntilClosed(s.getInputStream())).as("s1 closes a connection that speaks HTTP").isTrue();
    }

    assertThat(s1.isAlive()).isTrue();
    assertThat(s1.get("/health").statusCode()).isEqualTo(200);
    awaitMesh(s1, s2);
    // A write needs both replicas of two: s1 and s2 still talk over the distribution port.
    addAcknowledged(s1, "after-junk", "still-here");
    addAcknowledged(s2, "after-junk", "and-here");
    assertThat(Clusters.titles(s1, "after-junk")).containsExactly("still-here", "and-here");
  }

  private static Socket connect(int port) throws java.io.IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** True when the peer ends the connection (close or reset) before the read times out; what it sends is ignored. */
  private static boolean readsUntilClosed(InputStream in) {
    byte[] buffer = new byte[4096];
    try {
      while (in.read(buffer) >= 0) {
        // whatever the node answers (a TLS alert, say), it must then close
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (java.io.IOException reset) {
      return true;
    }
  }
}
