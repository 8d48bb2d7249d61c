package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust through the cookie: a handshake succeeds between holders of one cookie only. Or
 * through the operator's own CA: between holders of its certificates only, whatever their cookie.
 */
class ClusterTlsTest {

  @TempDir Path dir;

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

  @Test
  void nodesWithCertificatesOfOneCaShakeHandsWhateverTheirFormat() throws Exception {
    TestCertificates ca = TestCertificates.ca("ops CA");
    Path trust = ca.writeTrustStore(dir.resolve("ca.pem"));
    ClusterTls a = ownTls(ca.writePemKeyStore("a@h", dir.resolve("a.pem")), trust, "");
    ClusterTls b = ownTls(ca.writePkcs12KeyStore("b@h", dir.resolve("b.p12"), "secret"), trust, "secret");
    handshake(a, b);
    handshake(b, a);
  }

  @Test
  void aNodeWithACertificateOfAnotherCaIsRefusedEvenWithTheCookie() throws Exception {
    TestCertificates ca = TestCertificates.ca("ops CA");
    TestCertificates other = TestCertificates.ca("other CA");
    Path trust = ca.writeTrustStore(dir.resolve("ca.pem"));
    ClusterTls member = ownTls(ca.writePemKeyStore("a@h", dir.resolve("a.pem")), trust, "");
    ClusterTls intruder = ownTls(other.writePemKeyStore("x@h", dir.resolve("x.pem")), trust, "");
    assertThatThrownBy(() -> handshake(member, intruder)).isInstanceOf(SSLException.class);
    assertThatThrownBy(() -> handshake(member, ClusterTls.create("x@h", "monster"))).isInstanceOf(SSLException.class);
  }

  @Test
  void aWrongPasswordOrAMissingFileIsABadSetting() throws Exception {
    TestCertificates ca = TestCertificates.ca("ops CA");
    Path trust = ca.writeTrustStore(dir.resolve("ca.pem"));
    Path p12 = ca.writePkcs12KeyStore("b@h", dir.resolve("b.p12"), "secret");
    assertThatThrownBy(() -> ownTls(p12, trust, "wrong")).isInstanceOf(BadSettings.class)
        .hasMessageStartingWith("todo.tls.key-store " + p12 + ": ");
    assertThatThrownBy(() -> ownTls(dir.resolve("none.pem"), trust, "")).isInstanceOf(BadSettings.class)
        .hasMessage("todo.tls.key-store " + dir.resolve("none.pem") + ": no such file");
    assertThatThrownBy(() -> ownTls(trust, trust, "")).isInstanceOf(BadSettings.class).hasMessageContaining("holds no private key");
  }

  private static ClusterTls ownTls(Path keyStore, Path trustStore, String password) {
    Config todo = ConfigFactory.parseMap(Map.of("tls.key-store", keyStore.toString(), "tls.trust-store", trustStore.toString(),
        "tls.password", password));
    return ClusterTls.create(ClusterCertificates.from(todo).orElseThrow());
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
