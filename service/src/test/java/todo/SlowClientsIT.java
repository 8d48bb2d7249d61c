package todo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow-loris clients against a real node: thousands of connections that send half a request
 * head and wait, or trickle it a byte at a time, must neither keep other clients out nor
 * stay open for ever; nor must an idle keep-alive connection.
 */
class SlowClientsIT {

  /** Far more than pekko-http's default max-connections (1024) plus its backlog (100). */
  private static final int SLOW = 3000;
  private static final int TRICKLING = 100;
  /**
   * The node's header time-out here. Longer than the default 5 s so that on a busy machine
   * every slow connection is surely open while the normal requests run; what is asserted
   * afterwards is only that the node closes them all.
   */
  private static final String HEADER_TIMEOUT = "20s";
  private static final byte[] HALF_A_HEAD =
      "GET /entries?list=slow&date=2018-12-19 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private NodeProcess node;
  private final List<SocketChannel> slow = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (SocketChannel c : slow) c.close();
    if (node != null) node.close();
  }

  @Test
  void thousandsOfSlowClientsLeaveNormalRequestsServedAndTheNodeClosesThemAndIdleOnes() throws Exception {
    long freeFiles = freeFilesOfThisJvm();
    assumeTrue(freeFiles > SLOW + TRICKLING + 500, "this JVM may open only " + freeFiles
        + " more files, too few for " + (SLOW + TRICKLING) + " connections: raise the hard limit (ulimit -Hn)");
    node = new NodeProcess("slow1", dir, TestNodes.freePort())
        .env("TODO_JAVA_OPTS", "-XX:+UseParallelGC -Xms256m -Xmx512m -Dtodo.http-header-timeout=" + HEADER_TIMEOUT)
        .start();

    for (int i = 0; i < SLOW + TRICKLING; i++) slow.add(openWithHalfAHead());
    List<SocketChannel> trickling = List.copyOf(slow.subList(SLOW, SLOW + TRICKLING));
    idleAfterOneRequest();
    Thread trickler = new Thread(() -> trickle(trickling), "trickler");
    trickler.setDaemon(true);
    trickler.start();
    try {
      assertThat(normalRequest("POST", "/add_entry?list=bob&date=2018-12-19&title=Dentist")).isEqualTo("200 OK");
      for (int i = 0; i < 10; i++) {
        assertThat(normalRequest("GET", "/entries?list=bob&date=2018-12-19")).isEqualTo("200 2018-12-19 Dentist");
      }
      assertThat(openCount(slow)).as("slow and idle connections still open after the normal requests were answered")
          .isEqualTo(SLOW + TRICKLING + 1);

      // Pekko's idle-timeout (60 s) starts again with every byte: only the header time-out closes the trickling ones.
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(openCount(slow)).as("slow connections the node has not closed").isZero());
    } finally {
      trickler.interrupt();
    }
    assertThat(normalRequest("GET", "/entries?list=bob&date=2018-12-19")).isEqualTo("200 2018-12-19 Dentist");
    assertThat(node.log()).as("closing slow clients is not an error").doesNotContain("ERROR").doesNotContain("Exception");
  }

  /** A keep-alive connection that has had one request answered, and then sits idle. */
  private SocketChannel idleAfterOneRequest() throws IOException {
    SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", node.httpPort()));
    slow.add(c);
    c.write(ByteBuffer.wrap("GET /entries?list=nobody&date=2018-12-19 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII)));
    c.configureBlocking(false);
    ByteBuffer answer = ByteBuffer.allocate(4096);
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).until(() -> { // the answer has an empty body
      if (c.read(answer) < 0) throw new IOException("the node closed a keep-alive connection before answering");
      return text(answer).contains("\r\n\r\n");
    });
    assertThat(text(answer)).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 0").doesNotContain("Connection: close");
    return c;
  }

  private SocketChannel openWithHalfAHead() throws IOException {
    SocketChannel c = SocketChannel.open();
    try {
      c.socket().connect(new InetSocketAddress("127.0.0.1", node.httpPort()), (int) Duration.ofSeconds(30).toMillis());
      c.write(ByteBuffer.wrap(HALF_A_HEAD));
      c.configureBlocking(false);
      return c;
    } catch (IOException e) {
      c.close();
      throw new IOException("slow connection " + slow.size() + " failed: " + e, e);
    }
  }

  /** One more byte of the head on each connection every second, until the node closes it. */
  private static void trickle(List<SocketChannel> connections) {
    while (!Thread.currentThread().isInterrupted()) {
      for (SocketChannel c : connections) {
        try {
          // Into a header value, which may grow to 8 KiB; a header name would reach its limit (64)
          // within a minute and be refused, which would close the connection without the time-out.
          c.write(ByteBuffer.wrap(new byte[] {'w'}));
        } catch (IOException closedByTheNode) {
          // counted by openCount
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Connections the node has not closed: a read on one it closed sees the end of the stream, or a reset. */
  private static int openCount(List<SocketChannel> connections) {
    ByteBuffer buffer = ByteBuffer.allocate(512);
    int open = 0;
    for (SocketChannel c : connections) {
      buffer.clear();
      try {
        if (c.read(buffer) >= 0) open++;
      } catch (IOException reset) {
        // closed by the node
      }
    }
    return open;
  }

  /** A request on a new connection: the status and the body, e.g. "200 OK". */
  private String normalRequest(String method, String target) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), (int) Duration.ofSeconds(30).toMillis());
      s.setSoTimeout((int) Duration.ofSeconds(30).toMillis()); // only so that a broken node cannot hang the build
      s.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String status = answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 200".length());
      return status + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
  }

  private static String text(ByteBuffer received) {
    return new String(received.array(), 0, received.position(), StandardCharsets.US_ASCII);
  }

  private static long freeFilesOfThisJvm() {
    if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) return Long.MAX_VALUE;
    return os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
  }
}
