package todo.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one node starts with, resolved once at the edge: a flag beats the book's
 * environment variable, which beats application.conf.
 */
public record NodeSettings(String node, String httpHost, int httpPort, Path dbFolder, Duration serverExpiry) {

  /** The flags of {@code todo start}; null where not given. */
  public record Flags(String sname, String name, Integer httpPort, Path dbFolder) {
    public static Flags none() {
      return new Flags(null, null, null, null);
    }
  }

  public static NodeSettings resolve(Flags flags, Map<String, String> env) {
    Config todo = ConfigFactory.load().getConfig("todo");
    if (flags.sname() != null && flags.name() != null) throw new BadSettings("give --sname or --name, not both");
    String node = flags.name() != null ? NodeName.fromFullName(flags.name())
        : NodeName.fromShortName(flags.sname() != null ? flags.sname() : "node1");
    int port = flags.httpPort() != null ? checkPort(flags.httpPort(), "--http-port")
        : env.containsKey("TODO_HTTP_PORT") ? checkPort(parseInt(env.get("TODO_HTTP_PORT"), "TODO_HTTP_PORT"), "TODO_HTTP_PORT")
        : todo.getInt("http-port");
    if (port == 0) port = freePort(); // the port is announced to the cluster before HTTP binds
    Path folder = flags.dbFolder() != null ? flags.dbFolder()
        : Path.of(env.getOrDefault("TODO_DB_FOLDER", todo.getString("db-folder")));
    Duration expiry = env.containsKey("TODO_SERVER_EXPIRY")
        ? Duration.ofSeconds(positive(parseInt(env.get("TODO_SERVER_EXPIRY"), "TODO_SERVER_EXPIRY"), "TODO_SERVER_EXPIRY"))
        : todo.getDuration("server-expiry");
    return new NodeSettings(node, env.getOrDefault("TODO_HTTP_HOST", todo.getString("http-host")), port, folder, expiry);
  }

  /** The Pekko configuration of this node: application.conf with these settings laid over it. */
  public Config config() {
    Map<String, Object> overrides = Map.of(
        "todo.node", node,
        "todo.http-host", httpHost,
        "todo.http-port", httpPort,
        "todo.db-folder", dbFolder.toString(),
        "todo.server-expiry", serverExpiry.toMillis() + "ms",
        "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", serverExpiry.toMillis() + "ms",
        // Every member carries its node name, so any node can list the cluster by name.
        "pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(NodeRoles.nodeRole(node), NodeRoles.httpRole(httpUrl()))));
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
  }

  /** Where this node's HTTP API answers, as other nodes and clients should call it. */
  public String httpUrl() {
    String host = httpHost.equals("0.0.0.0") || httpHost.equals("::") ? NodeName.host(node) : httpHost;
    return "http://" + host + ":" + httpPort;
  }

  private static int freePort() {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new BadSettings("no free port for HTTP: " + e.getMessage());
    }
  }

  private static int parseInt(String value, String what) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new BadSettings(what + " must be a whole number, not '" + value + "'");
    }
  }

  private static int checkPort(int port, String what) {
    if (port < 0 || port > 65535) throw new BadSettings(what + " must be a port number from 0 to 65535, not " + port);
    return port;
  }

  private static int positive(int n, String what) {
    if (n <= 0) throw new BadSettings(what + " must be a positive number of seconds, not " + n);
    return n;
  }
}
