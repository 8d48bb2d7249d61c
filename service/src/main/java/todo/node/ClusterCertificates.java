package todo.node;

import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The operator's own certificates for the cluster transport, instead of the ones derived
 * from the cookie ({@code todo.tls} in application.conf, or {@code TODO_TLS_KEY_STORE},
 * {@code TODO_TLS_TRUST_STORE}, {@code TODO_TLS_PASSWORD}): this node's key and certificate
 * chain, and the CA certificates a peer's certificate must be signed by. Each file is PKCS12
 * or PEM (unencrypted keys; the key store's PEM holds the key and its chain, the trust
 * store's PEM one or more certificates). Read once at start: a file that cannot be read or
 * holds no key is a bad setting.
 *
 * @param keys this node's private key and certificate chain, under {@link #password}
 * @param trusted the CA certificates
 */
public record ClusterCertificates(KeyStore keys, KeyStore trusted, char[] password) {

  /** {@code todo.tls} of the configuration: empty when neither store is given (the cookie's CA). */
  static Optional<ClusterCertificates> from(Config todo) {
    String keyStore = todo.getString("tls.key-store");
    String trustStore = todo.getString("tls.trust-store");
    if (keyStore.isEmpty() && trustStore.isEmpty()) return Optional.empty();
    if (keyStore.isEmpty() || trustStore.isEmpty()) {
      throw new BadSettings("todo.tls: give both key-store and trust-store (TODO_TLS_KEY_STORE, TODO_TLS_TRUST_STORE), or neither");
    }
    char[] password = todo.getString("tls.password").toCharArray();
    KeyStore keys = read(Path.of(keyStore), password, "key-store");
    KeyStore trusted = read(Path.of(trustStore), password, "trust-store");
    try {
      if (Collections.list(keys.aliases()).stream().noneMatch(alias -> isKey(keys, alias))) {
        throw new BadSettings("todo.tls.key-store " + keyStore + " holds no private key");
      }
      if (trusted.size() == 0) throw new BadSettings("todo.tls.trust-store " + trustStore + " holds no certificate");
    } catch (java.security.KeyStoreException e) {
      throw new BadSettings("todo.tls: " + e.getMessage());
    }
    return Optional.of(new ClusterCertificates(keys, trusted, password));
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (java.security.KeyStoreException e) {
      return false;
    }
  }

  private static KeyStore read(Path file, char[] password, String setting) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.US_ASCII);
      if (text.strip().startsWith("-----BEGIN")) return fromPem(text, password);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), password);
      return store;
    } catch (IOException e) {
      throw new BadSettings("todo.tls." + setting + " " + file + ": " + reason(e));
    } catch (BadSettings e) {
      throw new BadSettings("todo.tls." + setting + " " + file + ": " + e.getMessage());
    } catch (Exception e) {
      throw new BadSettings("todo.tls." + setting + " " + file + ": not a PKCS12 or PEM file (" + e.getMessage() + ")");
    }
  }

  /** A key store of the PEM's key (if any) with its certificates as its chain, else of its certificates. */
  private static KeyStore fromPem(String pem, char[] password) throws Exception {
    PrivateKey key = null;
    List<X509Certificate> certificates = new ArrayList<>();
    JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
    JcaX509CertificateConverter x509 = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder c) certificates.add(x509.getCertificate(c));
        else if (o instanceof PrivateKeyInfo k) key = keys.getPrivateKey(k);
        else if (o instanceof PEMKeyPair k) key = keys.getPrivateKey(k.getPrivateKeyInfo()); // "EC/RSA PRIVATE KEY"
        else throw new BadSettings("holds a " + o.getClass().getSimpleName() + ": give an unencrypted key (or use PKCS12)");
      }
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    if (key != null) {
      if (certificates.isEmpty()) throw new BadSettings("holds a key without its certificate");
      store.setKeyEntry("node", key, password, certificates.toArray(new Certificate[0]));
    } else {
      for (int i = 0; i < certificates.size(); i++) store.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    return store;
  }

  /** The subject of this node's certificate, for the log. */
  String subject() {
    return names(keys).get(0);
  }

  /** The subjects of the trusted CAs, for the log. */
  List<String> authorities() {
    return names(trusted);
  }

  private static List<String> names(KeyStore store) {
    try {
      List<String> names = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        Certificate c = store.getCertificate(alias);
        if (c instanceof X509Certificate x) names.add(x.getSubjectX500Principal().getName());
      }
      return names;
    } catch (java.security.KeyStoreException e) {
      return List.of("(unreadable: " + e.getMessage() + ")");
    }
  }

  /** An I/O error in a few words, for a one-line message. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) return "no such file";
    if (e instanceof AccessDeniedException) return "permission denied";
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
