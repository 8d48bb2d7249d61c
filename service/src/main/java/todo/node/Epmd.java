package todo.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded EPMD-protocol port mapper, for hosts without Erlang's {@code epmd}. It keeps
 * {@code name -> port} while the registering connection stays open, answers port and
 * names queries, and so works with {@code epmd -names} and Erlang's own tools.
 *
 * <p>It lives inside the node that started it. When that node dies the other nodes on the
 * host lose their registrations; {@link EpmdRegistration} then has one of them start a new
 * port mapper and every node registers again.
 */
final class Epmd implements AutoCloseable {

  private record Registered(int port, int creation, byte[] request) {}

  private final ServerSocket server;
  private final Map<String, Registered> names = new ConcurrentHashMap<>();
  private final AtomicInteger creation = new AtomicInteger(1);
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

  private Epmd(ServerSocket server) {
    this.server = server;
    Thread acceptor = new Thread(this::accept, "epmd-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a port mapper on {@code port}; fails when the port is taken (someone else won). */
  static Epmd start(int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    try {
      server.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      server.close();
      throw e;
    }
    return new Epmd(server);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "epmd-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    String registered = null;
    try (s) {
      s.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      int length = in.readUnsignedShort();
      if (length == 0 || length > 1024) return; // not our protocol: drop it
      byte[] request = in.readNBytes(length);
      if (request.length < length) return;
      switch (request[0] & 0xff) {
        case EpmdClient.ALIVE2_REQ -> {
          registered = register(request, out);
          if (registered == null) return;
          s.setSoTimeout(0);
          while (in.read() >= 0) {
            // a registration lasts until its connection closes
          }
        }
        case EpmdClient.PORT_PLEASE2_REQ -> portPlease(new String(request, 1, length - 1, StandardCharsets.UTF_8), out);
        case EpmdClient.NAMES_REQ -> names(out);
        default -> {
          // unknown request: close, as epmd does
        }
      }
    } catch (IOException ignored) {
      // the peer went away
    } finally {
      if (registered != null) names.remove(registered);
      connections.remove(s);
    }
  }

  private String register(byte[] r, DataOutputStream out) throws IOException {
    int port = ((r[1] & 0xff) << 8) | (r[2] & 0xff);
    int nameLength = ((r[9] & 0xff) << 8) | (r[10] & 0xff);
    String name = new String(r, 11, nameLength, StandardCharsets.UTF_8);
    int created = creation.getAndIncrement();
    boolean fresh = names.putIfAbsent(name, new Registered(port, created, r)) == null;
    out.writeByte(EpmdClient.ALIVE2_X_RESP);
    out.writeByte(fresh ? 0 : 1);
    out.writeInt(created);
    out.flush();
    return fresh ? name : null;
  }

  private void portPlease(String name, DataOutputStream out) throws IOException {
    Registered reg = names.get(name);
    out.writeByte(EpmdClient.PORT2_RESP);
    if (reg == null) {
      out.writeByte(1);
    } else {
      out.writeByte(0);
      out.write(reg.request(), 1, reg.request().length - 1); // port, type, protocol, versions, name, extra
    }
    out.flush();
  }

  private void names(DataOutputStream out) throws IOException {
    out.writeInt(server.getLocalPort());
    StringBuilder text = new StringBuilder();
    names.forEach((name, reg) -> text.append("name ").append(name).append(" at port ").append(reg.port()).append('\n'));
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Stops answering and drops every registration, as a dying port mapper's process would. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) s.close();
  }
}
