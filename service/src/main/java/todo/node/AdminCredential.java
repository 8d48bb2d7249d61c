package todo.node;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential of a node's HTTP admin routes (connect, forget, backup), derived from the
 * cluster's cookie so that whoever holds the cookie holds it, and nobody who merely reaches
 * the HTTP port does: lowercase hex of HMAC-SHA256 with the cookie as key over a fixed
 * message, sent as {@code Authorization: Bearer <hex>}. The cookie itself never travels: the
 * credential does not reveal it, and a credential seen on the wire opens the admin routes
 * only (not the cluster transport). By hand:
 * {@code printf %s 'todo-cluster http admin' | openssl dgst -sha256 -hmac "$(cat ~/.todo.cookie)"}.
 */
public final class AdminCredential {

  /** What the HMAC is taken over: a fixed text, so the credential is a pure function of the cookie. */
  static final String MESSAGE = "todo-cluster http admin";

  private final byte[] expected;

  private AdminCredential(String cookie) {
    this.expected = of(cookie).getBytes(StandardCharsets.US_ASCII);
  }

  /** The credential of {@code cookie}: lowercase hex of HMAC-SHA256(key = the cookie's UTF-8 bytes, {@link #MESSAGE}). */
  public static String of(String cookie) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cookie.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e); // every Java SE has it
    }
  }

  /** The {@code Authorization} header's value that carries {@code cookie}'s credential. */
  public static String header(String cookie) {
    return "Bearer " + of(cookie);
  }

  /** What a node checks requests against: the credential of its own cookie, computed once. */
  public static AdminCredential expecting(String cookie) {
    return new AdminCredential(cookie);
  }

  /**
   * True when {@code authorization} (an {@code Authorization} header's value, or null) is
   * {@code Bearer} and this cookie's credential. The scheme is matched ignoring case, as HTTP
   * has it; the credential is compared in constant time ({@link MessageDigest#isEqual}), so
   * the time an answer takes tells nothing of how much of a guess was right.
   */
  public boolean admits(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, presented);
  }
}
