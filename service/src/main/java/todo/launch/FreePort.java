package todo.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A TCP port nothing listens on right now, for a node, a port mapper or a test to bind next. */
public final class FreePort {

  private FreePort() {}

  /**
   * A port the OS just handed out and took back. Another process may take it before the
   * caller binds it; the window is short and every user here tolerates a failed start.
   */
  public static int pick() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
