package todo.server;

/**
 * How a write's request is named. The id is either one the node made up for a request of
 * its own (a UUID), or {@code NAME.DIGEST} for a request a client named: {@code NAME} is
 * the client's name for it (its key), {@code DIGEST} sums up what it asked. Two writes with
 * the same id are one request sent twice; two with the same {@code NAME} and different
 * digests are one name used for two different requests (see {@link Answers}).
 */
public final class RequestId {

  private RequestId() {}

  /** The id of the request a client named {@code name} that asked what {@code digest} sums up. */
  public static String of(String name, String digest) {
    if (name.indexOf('.') >= 0 || digest.indexOf('.') >= 0) throw new IllegalArgumentException("a '.' in " + name + "." + digest);
    return name + "." + digest;
  }

  /** The name part of {@code id}: all of it for an id of the node's own. */
  static String name(String id) {
    int dot = id.indexOf('.');
    return dot < 0 ? id : id.substring(0, dot);
  }
}
