package todo.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks the EPMD protocol (Erlang's "Distribution Protocol", port mapper part) to the
 * port mapper of a host: the real {@code epmd} or {@link Epmd}, whichever answers.
 * Names are the part before the {@code @}, as the BEAM registers them.
 */
public final class EpmdClient {

  static final int ALIVE2_REQ = 120;
  static final int ALIVE2_X_RESP = 118;
  static final int PORT_PLEASE2_REQ = 122;
  static final int PORT2_RESP = 119;
  static final int NAMES_REQ = 110;

  private static final Pattern NAME_LINE = Pattern.compile("name (\\S+) at port (\\d+)");
  private static final int TIMEOUT_MS = 2000;

  private final int epmdPort;

  public EpmdClient(int epmdPort) {
    this.epmdPort = epmdPort;
  }

  /** The port mapper's port: {@code ERL_EPMD_PORT}, else 4369. */
  public static int portFromEnv(Map<String, String> env) {
    String value = env.get("ERL_EPMD_PORT");
    if (value == null) return 4369;
    try {
      int port = Integer.parseInt(value.trim());
      if (port > 0 && port < 65536) return port;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadSettings("ERL_EPMD_PORT must be a port number, not '" + value + "'");
  }

  public int port() {
    return epmdPort;
  }

  /** What {@code name} registered on {@code host}: its distribution port and its extra bytes. */
  public record Registration(int port, byte[] extra) {}

  /** The distribution port {@code name} registered on {@code host}, if it is registered. */
  public Optional<Integer> portOf(String host, String name) throws IOException {
    return registrationOf(host, name).map(Registration::port);
  }

  /** What {@code name} registered on {@code host}, if it is registered. */
  public Optional<Registration> registrationOf(String host, String name) throws IOException {
    try (Socket s = connect(host)) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeShort(1 + n.length);
      out.writeByte(PORT_PLEASE2_REQ);
      out.write(n);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      if (in.readUnsignedByte() != PORT2_RESP) throw new IOException("unexpected answer from the port mapper of " + host);
      if (in.readUnsignedByte() != 0) return Optional.empty();
      int port = in.readUnsignedShort();
      in.skipNBytes(6); // node type, protocol, highest and lowest version
      in.skipNBytes(in.readUnsignedShort()); // the name again
      int extraLength = in.readUnsignedShort();
      return Optional.of(new Registration(port, in.readNBytes(extraLength)));
    }
  }

  /** Every name registered on {@code host}, with its port (what {@code epmd -names} prints). */
  public Map<String, Integer> names(String host) throws IOException {
    try (Socket s = connect(host)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeShort(1);
      out.writeByte(NAMES_REQ);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      in.readInt(); // the port mapper's own port
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, Integer> names = new LinkedHashMap<>();
      Matcher m = NAME_LINE.matcher(text);
      while (m.find()) names.put(m.group(1), Integer.parseInt(m.group(2)));
      return names;
    }
  }

  /**
   * Registers {@code name -> port} with this host's port mapper. The registration lasts as
   * long as the returned socket stays open; the port mapper forgets it the moment the
   * socket closes, which is also the moment this process dies.
   *
   * @throws NameTaken when another node holds the name
   * @throws IOException when no port mapper answers
   */
  public Socket register(String name, int distPort) throws IOException {
    return register(name, distPort, new byte[0]);
  }

  /** As {@link #register(String, int)}, with {@code extra} bytes that port queries return. */
  public Socket register(String name, int distPort, byte[] extra) throws IOException {
    Socket s = connect("127.0.0.1");
    try {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeShort(13 + n.length + extra.length);
      out.writeByte(ALIVE2_REQ);
      out.writeShort(distPort);
      out.writeByte(77); // a normal node
      out.writeByte(0); // TCP over IPv4
      out.writeShort(6); // highest distribution version
      out.writeShort(5); // lowest
      out.writeShort(n.length);
      out.write(n);
      out.writeShort(extra.length); // ours: the node's HTTP address, so tools can find its API by name
      out.write(extra);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      int tag = in.readUnsignedByte();
      int result = in.readUnsignedByte();
      if ((tag != ALIVE2_X_RESP && tag != 121) || result != 0) throw new NameTaken(name);
      s.setSoTimeout(0); // from now on the socket only waits for the port mapper to go away
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private Socket connect(String host) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, epmdPort), TIMEOUT_MS);
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  /** The port mapper refused a name because a live node holds it. */
  public static final class NameTaken extends IOException {
    public NameTaken(String name) {
      super("the name " + name + " is taken on this host", null);
    }
  }
}
