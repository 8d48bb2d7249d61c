package todo.node;

/** A setting a node cannot start with; its message is the one line the user sees. */
public final class BadSettings extends RuntimeException {
  public BadSettings(String message) {
    super(message, null, false, false);
  }
}
