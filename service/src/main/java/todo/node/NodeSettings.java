package todo.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node starts with, resolved once at the edge: a flag beats its environment variable
 * ({@code TODO_*}, the book's and the container's), which beats application.conf.
 *
 * @param connect nodes to join at start ({@code --connect}); empty: a cluster of its own
 * @param distPorts where the node may listen for other nodes ({@code --dist-port-range})
 * @param epmdPort the host's port mapper ({@code ERL_EPMD_PORT}, 4369)
 * @param cluster the cluster side: joining, downing dead nodes
 * @param web the HTTP side: time-outs of connections and of requests to lists' servers
 */
public record NodeSettings(String node, String httpHost, int httpPort, Path dbFolder, Duration serverExpiry,
                           String cookie, List<String> connect, PortRange distPorts, int epmdPort,
                           ClusterSettings cluster, WebSettings web) {

  /** A node with the cluster and HTTP sides of application.conf (and -D flags) as they are now: for tests. */
  public NodeSettings(String node, String httpHost, int httpPort, Path dbFolder, Duration serverExpiry,
                      String cookie, List<String> connect, PortRange distPorts, int epmdPort) {
    this(node, httpHost, httpPort, dbFolder, serverExpiry, cookie, connect, distPorts, epmdPort,
        ClusterSettings.from(todoConfig()), WebSettings.from(todoConfig()));
  }

  /** The node flags of {@code todo start} and {@code todo shell}; null (or empty) where not given. */
  public record Flags(String sname, String name, String cookie, Integer httpPort, Path dbFolder,
                      List<String> connect, String distPortRange) {}

  /** An inclusive range of ports; {@code 0-0} means any free port. */
  public record PortRange(int first, int last) {
    public static final PortRange ANY = new PortRange(0, 0);

    static PortRange parse(String text, String source) {
      String[] parts = text.split("-", -1);
      try {
        if (parts.length == 2) {
          PortRange r = new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
          if (r.first > 0 && r.first <= r.last && r.last < 65536) return r;
        }
      } catch (NumberFormatException ignored) {
        // answered below
      }
      throw new BadSettings(source + " takes two ports, low-high (as 9100-9199), not '" + text + "'");
    }

    /** The first port of the range free on {@code host}; 0 (any) for {@link #ANY}. */
    int firstFree(String host) {
      if (this.equals(ANY)) return 0;
      for (int port = first; port <= last; port++) {
        try (var probe = new java.net.ServerSocket()) {
          probe.bind(new java.net.InetSocketAddress(host, port));
          return port;
        } catch (java.io.IOException taken) {
          // try the next one
        }
      }
      throw new BadSettings("no free port in --dist-port-range " + first + "-" + last + " on " + host);
    }
  }

  public static NodeSettings resolve(Flags flags, Map<String, String> env) {
    return resolve(flags, env, Cookie.home(env));
  }

  static NodeSettings resolve(Flags flags, Map<String, String> env, Path home) {
    Config todo = ConfigFactory.parseMap(configFromEnv(env)).withFallback(todoConfig());
    String node = nodeName(flags, env);
    int port = flags.httpPort() != null ? checkPort(flags.httpPort(), "--http-port")
        : env.containsKey("TODO_HTTP_PORT") ? checkPort(parseInt(env.get("TODO_HTTP_PORT"), "TODO_HTTP_PORT"), "TODO_HTTP_PORT")
        : todo.getInt("http-port");
    if (port == 0) port = freePort(); // the port is announced to the cluster before HTTP binds
    Path folder = flags.dbFolder() != null ? flags.dbFolder()
        : Path.of(env.getOrDefault("TODO_DB_FOLDER", todo.getString("db-folder")));
    Duration expiry = env.containsKey("TODO_SERVER_EXPIRY")
        ? Duration.ofSeconds(positive(parseInt(env.get("TODO_SERVER_EXPIRY"), "TODO_SERVER_EXPIRY"), "TODO_SERVER_EXPIRY"))
        : todo.getDuration("server-expiry");
    List<String> connect = new ArrayList<>();
    if (flags.connect() != null && !flags.connect().isEmpty()) {
      for (String target : flags.connect()) connect.add(NodeName.fromFullName(target, "--connect"));
    } else if (env.containsKey("TODO_CONNECT")) {
      for (String target : env.get("TODO_CONNECT").split(",")) {
        if (!target.isBlank()) connect.add(NodeName.fromFullName(target.strip(), "TODO_CONNECT"));
      }
    }
    PortRange distPorts = flags.distPortRange() != null ? PortRange.parse(flags.distPortRange(), "--dist-port-range")
        : env.containsKey("TODO_DIST_PORT_RANGE") ? PortRange.parse(env.get("TODO_DIST_PORT_RANGE"), "TODO_DIST_PORT_RANGE")
        : PortRange.ANY;
    return new NodeSettings(node, env.getOrDefault("TODO_HTTP_HOST", todo.getString("http-host")), port, folder, expiry,
        Cookie.resolve(flags.cookie(), env, home), List.copyOf(connect), distPorts, EpmdClient.portFromEnv(env),
        ClusterSettings.from(todo), WebSettings.from(todo));
  }

  /** --name, --sname, else TODO_NAME, TODO_SNAME, else node1@<short host name>. */
  private static String nodeName(Flags flags, Map<String, String> env) {
    if (flags.sname() != null && flags.name() != null) throw new BadSettings("give --sname or --name, not both");
    if (flags.name() != null) return NodeName.fromFullName(flags.name());
    if (flags.sname() != null) return NodeName.fromShortName(flags.sname());
    if (env.containsKey("TODO_SNAME") && env.containsKey("TODO_NAME")) throw new BadSettings("set TODO_SNAME or TODO_NAME, not both");
    if (env.containsKey("TODO_NAME")) return NodeName.fromFullName(env.get("TODO_NAME").strip(), "TODO_NAME");
    if (env.containsKey("TODO_SNAME")) return NodeName.fromShortName(env.get("TODO_SNAME").strip(), "TODO_SNAME");
    return NodeName.fromShortName("node1");
  }

  /** The environment variables that stand for a key of application.conf's {@code todo} section, as that key. */
  private static Map<String, Object> configFromEnv(Map<String, String> env) {
    Map<String, Object> keys = new HashMap<>();
    CONFIG_FROM_ENV.forEach((variable, key) -> {
      if (env.containsKey(variable)) keys.put(key, env.get(variable));
    });
    return keys;
  }

  private static final Map<String, String> CONFIG_FROM_ENV = Map.of(
      "TODO_TLS_KEY_STORE", "tls.key-store",
      "TODO_TLS_TRUST_STORE", "tls.trust-store",
      "TODO_TLS_PASSWORD", "tls.password");

  private static Config todoConfig() {
    return ConfigFactory.load().getConfig("todo");
  }

  /** The same node, told to join {@code nodes} at start. */
  public NodeSettings connectingTo(List<String> nodes) {
    return new NodeSettings(node, httpHost, httpPort, dbFolder, serverExpiry, cookie, List.copyOf(nodes), distPorts, epmdPort,
        cluster, web);
  }

  /**
   * The Pekko configuration of this node, listening for other nodes on {@code distPort}:
   * application.conf with these settings laid over it. The cookie is not in it: it
   * reaches only {@link ClusterTls}.
   */
  public Config config(int distPort) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("todo.node", node);
    overrides.put("todo.http-host", httpHost);
    overrides.put("todo.http-port", httpPort);
    overrides.put("todo.db-folder", dbFolder.toString());
    overrides.put("todo.server-expiry", serverExpiry.toMillis() + "ms");
    overrides.put("pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", serverExpiry.toMillis() + "ms");
    // Other nodes reach this one by the host part of its name, as on the BEAM.
    overrides.put("pekko.remote.artery.canonical.hostname", NodeName.host(node));
    overrides.put("pekko.remote.artery.canonical.port", distPort);
    // Every member carries its node name, HTTP address and protocol, so any node can list the cluster by name.
    overrides.put("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(NodeRoles.nodeRole(node), NodeRoles.httpRole(httpUrl()),
        NodeRoles.protocolRole(cluster.protocol()), NodeRoles.DATA)));
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
