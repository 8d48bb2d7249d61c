package todo.web;

/** Input a route cannot take; the message is the one-line reason sent with the 400. */
final class BadRequest extends RuntimeException {
  BadRequest(String reason) {
    super(reason, null, false, false);
  }
}
