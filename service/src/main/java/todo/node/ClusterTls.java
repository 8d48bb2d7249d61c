package todo.node;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * TLS between nodes, with trust derived from the cookie, so that the cookie works as the
 * BEAM's does: a process without it can neither join nor get a single message accepted.
 *
 * <p>Every node derives the same cluster CA key from the cookie (HKDF-SHA256 to a P-256
 * private key), makes its own key pair and has the CA key sign its certificate. Both ends of
 * every connection must show a certificate signed by that CA key (mutual TLS 1.3). The
 * cookie itself never crosses the network. A refused peer is logged here, on both sides,
 * in one line at most every 30 seconds per peer: Artery itself says nothing at the default
 * log level.
 *
 * <p>An operator may bring a CA of their own instead ({@link ClusterCertificates}): then each
 * node shows the certificate it was given, and a peer's must be signed by one of the given CAs.
 */
public final class ClusterTls implements SSLEngineProvider {

  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);
  private static final String PROTOCOL = "TLSv1.3";
  private static final Duration LOG_EVERY = Duration.ofSeconds(30);

  private final SSLContext context;
  /** What a refused peer lacks, in the log lines: the cookie, or a certificate of the operator's CA. */
  private final String trust;
  private final Map<String, Instant> lastRefusalLogged = new ConcurrentHashMap<>();

  private ClusterTls(SSLContext context, String trust) {
    this.context = context;
    this.trust = trust;
  }

  /** The TLS of node {@code node}, with {@code own} certificates if given, else those of a cluster whose secret is {@code cookie}. */
  public static ClusterTls create(String node, String cookie, Optional<ClusterCertificates> own) {
    return own.isPresent() ? create(own.get()) : create(node, cookie);
  }

  /** The TLS of node {@code node}, for a cluster whose secret is {@code cookie}. */
  public static ClusterTls create(String node, String cookie) {
    try {
      KeyPair ca = caKeyPair(cookie);
      String caName = "CN=todo-cluster CA " + fingerprint(ca.getPublic());
      X509Certificate caCert = certificate(caName, ca.getPublic(), caName, ca.getPrivate(), true);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair own = generator.generateKeyPair();
      X509Certificate ownCert = certificate("CN=" + node, own.getPublic(), caName, ca.getPrivate(), false);

      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      keys.setKeyEntry("node", own.getPrivate(), none, new X509Certificate[] {ownCert, caCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);

      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("cluster-ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);

      return context(kmf, tmf, "cookie");
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up TLS between nodes: " + e.getMessage(), e);
    }
  }

  /** The TLS of a node with the operator's own certificates. */
  static ClusterTls create(ClusterCertificates own) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(own.keys(), own.password());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(own.trusted());
      log.info("TLS between nodes with the operator's certificates: this node shows {}, and trusts {}.",
          own.subject(), own.authorities());
      return context(kmf, tmf, "CA");
    } catch (Exception e) {
      throw new BadSettings("todo.tls: cannot set up TLS between nodes with these certificates: " + e.getMessage());
    }
  }

  private static ClusterTls context(KeyManagerFactory kmf, TrustManagerFactory tmf, String trust) throws Exception {
    SSLContext context = SSLContext.getInstance(PROTOCOL);
    ClusterTls tls = new ClusterTls(context, trust);
    X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    context.init(kmf.getKeyManagers(), new TrustManager[] {tls.loggingRefusals(pkix)}, new SecureRandom());
    return tls;
  }

  /** The CA key pair every holder of {@code cookie} derives alike. */
  static KeyPair caKeyPair(String cookie) throws Exception {
    byte[] seed = new byte[48];
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(cookie.getBytes(StandardCharsets.UTF_8),
        "todo-cluster".getBytes(StandardCharsets.UTF_8), "cluster CA key v1".getBytes(StandardCharsets.UTF_8)));
    hkdf.generateBytes(seed, 0, seed.length);
    ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
    BigInteger n = curve.getN();
    BigInteger d = new BigInteger(1, seed).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(d).normalize();

    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    KeyFactory factory = KeyFactory.getInstance("EC");
    PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, spec));
    PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(
        new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
    return new KeyPair(publicKey, privateKey);
  }

  private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey issuerKey, boolean ca)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        new X500Name(issuer), new BigInteger(64, new SecureRandom()),
        Date.from(ca ? Instant.parse("2000-01-01T00:00:00Z") : now.minus(Duration.ofDays(1))),
        Date.from(ca ? Instant.parse("2100-01-01T00:00:00Z") : now.plus(Duration.ofDays(3650))),
        new X500Name(subject), key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static String fingerprint(PublicKey key) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    return HexFormat.of().formatHex(digest, 0, 6);
  }

  private X509ExtendedTrustManager loggingRefusals(X509ExtendedTrustManager pkix) {
    return new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine engine) throws CertificateException {
        try {
          pkix.checkClientTrusted(chain, auth, engine);
        } catch (CertificateException e) {
          refused("Refused a connection from " + subject(chain)
              + ": its certificate is not from this cluster's " + trust + " (started with another " + trust + "?)");
          throw e;
        }
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine engine) throws CertificateException {
        try {
          pkix.checkServerTrusted(chain, auth, engine);
        } catch (CertificateException e) {
          refused("Cannot talk to " + subject(chain) + " at " + engine.getPeerHost() + ":" + engine.getPeerPort()
              + ": it belongs to a cluster with another " + trust);
          throw e;
        }
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth, java.net.Socket s) throws CertificateException {
        pkix.checkClientTrusted(chain, auth, s);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth, java.net.Socket s) throws CertificateException {
        pkix.checkServerTrusted(chain, auth, s);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth) throws CertificateException {
        pkix.checkClientTrusted(chain, auth);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth) throws CertificateException {
        pkix.checkServerTrusted(chain, auth);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
      }
    };
  }

  private static String subject(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) return "a peer without a certificate";
    String dn = chain[0].getSubjectX500Principal().getName();
    return dn.startsWith("CN=") ? "node " + dn.substring(3) : dn;
  }

  private void refused(String line) {
    Instant now = Instant.now();
    boolean[] due = {false};
    lastRefusalLogged.compute(line, (k, last) -> {
      due[0] = last == null || last.plus(LOG_EVERY).isBefore(now);
      return due[0] ? now : last;
    });
    if (due[0]) log.warn(line);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(new String[] {PROTOCOL});
    // Under TLS 1.3 a peer with another cookie refuses this node's certificate and hangs up
    // before showing its own, so the trust manager above never sees it: the failed
    // handshake is what this side can log.
    return new HandshakeWatch(engine, reason -> refused(
        "Refused a connection: its TLS handshake failed (" + reason + "): a node with another " + trust + ", or not a node"));
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {PROTOCOL});
    return engine;
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.empty(); // the trust manager has checked the chain
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return Option.empty();
  }
}
