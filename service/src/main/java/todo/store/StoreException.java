package todo.store;

/** A change that could not be stored, with a reason fit for a log line or a 503. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message, null, false, false);
  }
}
