package todo.node;

import com.typesafe.config.Config;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

/**
 * The TLS of a process that talks to a node without joining its cluster ({@code todo ping},
 * {@code stop}, {@code rpc}...): a certificate under the same trust as the nodes' (the
 * cookie's CA, or the operator's, as {@link ClusterTls} makes them), and the reason a node
 * refused it, once, for the command to say in one line.
 */
public final class ClientTls implements SSLEngineProvider {

  private final ClusterTls tls;
  private final CompletableFuture<String> refused = new CompletableFuture<>();

  private ClientTls(ClusterTls tls) {
    this.tls = tls;
  }

  /** The TLS of the client {@code name}, with the certificates {@code todo} (application.conf's section) names, else the cookie's. */
  public static ClientTls create(String name, String cookie, Config todo) {
    return new ClientTls(ClusterTls.create(name, cookie, ClusterCertificates.from(todo)));
  }

  /** Completes with the reason of the first handshake that failed (a node of another cookie). */
  public CompletableFuture<String> refused() {
    return refused;
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return new HandshakeWatch(tls.createClientSSLEngine(hostname, port), refused::complete);
  }

  /** The node's replies come on a connection it opens to this process (Artery: one per direction). */
  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return tls.createServerSSLEngine(hostname, port);
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return tls.verifyClientSession(hostname, session);
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return tls.verifyServerSession(hostname, session);
  }
}
