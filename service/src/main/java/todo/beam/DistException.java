package todo.beam;

/** A distribution primitive failed for a reason the caller can act on; the message says which. */
public final class DistException extends RuntimeException {
  public DistException(String message) {
    super(message);
  }
}
