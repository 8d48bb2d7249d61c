package todo.node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An operator's own CA for tests, made with Bouncy Castle as an operator's PKI would: it
 * issues node certificates and writes them, with their keys, as PEM or PKCS12 files.
 */
public final class TestCertificates {

  private final String name;
  private final KeyPair key;
  private final X509Certificate certificate;

  private TestCertificates(String name, KeyPair key, X509Certificate certificate) {
    this.name = name;
    this.key = key;
    this.certificate = certificate;
  }

  /** A new self-signed CA named {@code name}. */
  public static TestCertificates ca(String name) throws Exception {
    KeyPair key = keyPair();
    return new TestCertificates(name, key, sign("CN=" + name, key, "CN=" + name, key, true));
  }

  /** Writes this CA's certificate as a PEM trust store. */
  public Path writeTrustStore(Path file) throws IOException {
    return writePem(file, certificate);
  }

  /** A key and certificate for {@code node}, signed by this CA, as a PEM file (key, then the chain). */
  public Path writePemKeyStore(String node, Path file) throws Exception {
    KeyPair own = keyPair();
    return writePem(file, own.getPrivate(), sign("CN=" + node, own, "CN=" + name, key, false), certificate);
  }

  /** The same as a PKCS12 file under {@code password}. */
  public Path writePkcs12KeyStore(String node, Path file, String password) throws Exception {
    KeyPair own = keyPair();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("node", own.getPrivate(), password.toCharArray(),
        new Certificate[] {sign("CN=" + node, own, "CN=" + name, key, false), certificate});
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  private static Path writePem(Path file, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        if (o instanceof PrivateKey key) pem.writeObject(new JcaPKCS8Generator(key, null)); // "PRIVATE KEY", as openssl genpkey writes it
        else pem.writeObject(o);
      }
    }
    return Files.writeString(file, text.toString());
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey, boolean ca)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), new X500Name(subject),
        subjectKey.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }
}
