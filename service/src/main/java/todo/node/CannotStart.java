package todo.node;

/** A node that could not come up for a reason outside its flags; the message is one line. */
public final class CannotStart extends RuntimeException {
  public CannotStart(String message) {
    super(message, null, false, false);
  }
}
