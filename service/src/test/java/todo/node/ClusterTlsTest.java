package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** Trust through the cookie: a handshake succeeds between holders of one cookie only. */
class ClusterTlsTest {

  @Test
  void nodesWithTheSameCookieShakeHands() throws Exception {
    handshake(ClusterTls.create("a@h", "monster"), ClusterTls.create("b@h", "monster"));
  }

  @Test
  void aNodeWithAnotherCookieIsRefused() {
    assertThatThrownBy(() -> handshake(ClusterTls.create("a@h", "monster"), ClusterTls.create("b@h", "cookie")))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void theClusterKeyDependsOnlyOnTheCookie() throws Exception {
    assertThat(ClusterTls.caKeyPair("monster").getPublic()).isEqualTo(ClusterTls.caKeyPair("monster").getPublic());
    assertThat(ClusterTls.caKeyPair("monster").getPublic()).isNotEqualTo(ClusterTls.caKeyPair("Monster").getPublic());
  }

  /** Runs a TLS handshake between two engines in memory; throws if either side refuses. */
  private static void handshake(ClusterTls server, ClusterTls client) throws Exception {
    SSLEngine s = server.createServerSSLEngine("h", 1);
    SSLEngine c = client.createClientSSLEngine("h", 1);
    int size = Math.max(s.getSession().getPacketBufferSize(), c.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size * 4);
    ByteBuffer toClient = ByteBuffer.allocate(size * 4);
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer sink = ByteBuffer.allocate(size * 4);
    c.beginHandshake();
    s.beginHandshake();
    for (int i = 0; i < 200; i++) {
      step(c, empty, toServer, toClient, sink);
      step(s, empty, toClient, toServer, sink);
      if (done(c) && done(s)) return;
    }
    throw new AssertionError("handshake did not finish");
  }

  private static boolean done(SSLEngine e) {
    var st = e.getHandshakeStatus();
    return st == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || st == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  private static void step(SSLEngine e, ByteBuffer app, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws Exception {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) task.run();
    e.wrap(app, out);
    in.flip();
    if (in.hasRemaining()) e.unwrap(in, sink);
    in.compact();
    while ((task = e.getDelegatedTask()) != null) task.run();
  }
}
