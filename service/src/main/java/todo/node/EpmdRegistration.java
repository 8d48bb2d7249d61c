package todo.node;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered ({@code name -> distribution port}) with its host's port
 * mapper, like {@code erl} with {@code epmd}: the real epmd if one answers, else an
 * embedded {@link Epmd} that this node starts. If the port mapper goes away (the node that
 * embedded it died), the first node to notice starts a new one and every node registers
 * again.
 */
public final class EpmdRegistration implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EpmdRegistration.class);

  private final EpmdClient client;
  private final String name;
  private final int distPort;
  private final byte[] extra;
  private volatile boolean closed;
  private volatile Socket registration;
  private volatile Epmd embedded;

  private EpmdRegistration(EpmdClient client, String name, int distPort, byte[] extra) {
    this.client = client;
    this.name = name;
    this.distPort = distPort;
    this.extra = extra;
  }

  /**
   * Registers {@code name}; throws {@link EpmdClient.NameTaken} when a live node on this
   * host already has it.
   */
  public static EpmdRegistration start(EpmdClient client, String name, int distPort) throws IOException {
    return start(client, name, distPort, new byte[0]);
  }

  /** As {@link #start(EpmdClient, String, int)}, with {@code extra} bytes for whoever looks the name up. */
  public static EpmdRegistration start(EpmdClient client, String name, int distPort, byte[] extra) throws IOException {
    EpmdRegistration r = new EpmdRegistration(client, name, distPort, extra);
    r.register();
    Thread watcher = new Thread(r::watch, "epmd-registration");
    watcher.setDaemon(true);
    watcher.start();
    return r;
  }

  /** True when this node runs the host's port mapper itself. */
  public boolean embedsPortMapper() {
    return embedded != null;
  }

  private void register() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 50 && !closed; attempt++) {
      try {
        registration = client.register(name, distPort, extra);
        return;
      } catch (EpmdClient.NameTaken taken) {
        throw taken;
      } catch (IOException noPortMapper) {
        last = noPortMapper;
        tryToEmbed();
      }
      sleepQuietly(20 + ThreadLocalRandom.current().nextInt(80));
    }
    throw new IOException("cannot register with a port mapper on port " + client.port()
        + (last != null ? ": " + last.getMessage() : ""));
  }

  private synchronized void tryToEmbed() {
    if (closed) return;
    try {
      embedded = Epmd.start(client.port());
      log.info("No port mapper answered on port {}: {} runs one (EPMD protocol).", client.port(), name);
    } catch (IOException anotherNodeWon) {
      // someone started one first: register with theirs on the next try
    }
  }

  /**
   * Waits for the port mapper to go away (its connection closes), and every two seconds
   * also checks that it still lists this node: whatever went wrong, the node registers
   * again.
   */
  private void watch() {
    while (!closed) {
      try {
        registration.setSoTimeout(2000);
        if (registration.getInputStream().read() >= 0) continue; // never sent: ignore
      } catch (java.net.SocketTimeoutException quiet) {
        if (listed()) continue;
      } catch (IOException ignored) {
        // same as end of stream: the port mapper went away
      }
      if (closed) return;
      log.warn("The port mapper on port {} went away or forgot {}; registering again.", client.port(), name);
      try {
        registration.close();
      } catch (IOException ignored) {
        // it is gone anyway
      }
      registerAgain();
    }
  }

  private boolean listed() {
    try {
      return Integer.valueOf(distPort).equals(client.names("127.0.0.1").get(name));
    } catch (IOException e) {
      return false;
    }
  }

  /** Until it works: the node stays up, and is found by name again once registered. */
  private void registerAgain() {
    for (int attempt = 1; !closed; attempt++) {
      try {
        registration = client.register(name, distPort, extra);
        return;
      } catch (IOException e) {
        if (!(e instanceof EpmdClient.NameTaken)) tryToEmbed(); // NameTaken: our old entry lingers a moment
        if (attempt == 50) log.error("Node {} cannot register with a port mapper yet: {}", name, e.getMessage());
      }
      sleepQuietly(Math.min(1000, 20 + ThreadLocalRandom.current().nextInt(20 * attempt)));
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    try {
      if (registration != null) registration.close();
      if (embedded != null) embedded.close();
    } catch (IOException ignored) {
      // closing at shutdown
    }
  }
}
