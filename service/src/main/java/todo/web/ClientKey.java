package todo.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import todo.server.RequestId;

/**
 * A client's name for one write, so that it can send the write again, to any node, and
 * have it applied at most once: the JSON API's {@code Idempotency-Key} header, the book's
 * {@code request} parameter. The key becomes the write's request id, which the list's
 * server and every node's store remember (the latest 1,000 per list), so a write sent again
 * gets its first outcome, after a failover too.
 *
 * <p>The id is {@code k:} and a hash of the key, so it can never be taken for one of the
 * ids a node makes up for its own requests (UUIDs), and a key of 200 characters costs no
 * more to store and to replicate than those; then a hash of what the write asked, so that a
 * key sent again with a different write is told apart and refused ({@link RequestId}).
 */
final class ClientKey {

  static final String HEADER = "Idempotency-Key";
  static final String PARAMETER = "request";
  static final int MAX_LENGTH = 200;

  private ClientKey() {}

  /**
   * The request id of the write that {@code key} names and {@code what} describes (the
   * route and its parsed input, nulls for what was not given), or null when there is no key.
   * A key that is empty, too long, or not visible ASCII is a {@link BadRequest} naming
   * {@code source}.
   */
  static String requestId(String source, String key, Object... what) {
    if (key == null) return null;
    if (key.isEmpty()) throw new BadRequest(source + " is empty");
    if (key.length() > MAX_LENGTH) throw new BadRequest(source + " is over " + MAX_LENGTH + " characters");
    if (!key.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new BadRequest(source + " must be visible ASCII (no spaces, control or non-ASCII characters)");
    }
    return RequestId.of("k:" + hex(key, 12), hex(described(what), 4));
  }

  /** {@code what} as one string that no other {@code what} gives: each part with its length. */
  private static String described(Object... what) {
    StringBuilder text = new StringBuilder();
    for (Object part : what) {
      String s = String.valueOf(part);
      text.append(part == null ? "-" : s.length() + ":" + s).append(';');
    }
    return text.toString();
  }

  /** The first {@code bytes} bytes of the SHA-256 of {@code text}, in hex. */
  private static String hex(String text, int bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
