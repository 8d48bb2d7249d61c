package todo;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import todo.launch.FreePort;
import todo.node.NodeSettings;

/** In-JVM nodes for tests: loopback, a free HTTP port, a folder of the test's own. */
public final class TestNodes {

  private TestNodes() {}

  public static TodoSystem start(String sname, Path dbFolder) {
    return start(sname, dbFolder, Duration.ofSeconds(60));
  }

  public static TodoSystem start(String sname, Path dbFolder, Duration serverExpiry) {
    return TodoSystem.start(settings(sname, dbFolder, serverExpiry, List.of()));
  }

  /** A node that joins the cluster of {@code connect} (names like "a@localhost") at start. */
  public static TodoSystem startConnected(String sname, Path dbFolder, String... connect) {
    return TodoSystem.start(settings(sname, dbFolder, Duration.ofSeconds(60), List.of(connect)));
  }

  /**
   * A node started with {@code overrides} laid over application.conf, as {@code -D} flags in
   * {@code TODO_JAVA_OPTS} lay them over a real node's. Settings are read once at start, so
   * they reach this node only, not the others in this JVM.
   */
  public static synchronized TodoSystem startWith(Map<String, String> overrides, String sname, Path dbFolder,
                                                  String... connect) {
    Map<String, String> before = new HashMap<>();
    overrides.keySet().forEach(k -> before.put(k, System.getProperty(k)));
    overrides.forEach(System::setProperty);
    ConfigFactory.invalidateCaches();
    try {
      return startConnected(sname, dbFolder, connect);
    } finally {
      before.forEach((k, v) -> {
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
      });
      ConfigFactory.invalidateCaches();
    }
  }

  private static NodeSettings settings(String sname, Path dbFolder, Duration serverExpiry, List<String> connect) {
    return new NodeSettings(sname + "@localhost", "127.0.0.1", freePort(), dbFolder, serverExpiry,
        "test-cookie", connect, NodeSettings.PortRange.ANY, EPMD_PORT);
  }

  /** One port mapper port per test JVM, so test runs never share a port mapper with each other or with real nodes. */
  public static final int EPMD_PORT = freePort();

  /** The tests' short name for {@link FreePort#pick}. */
  public static int freePort() {
    return FreePort.pick();
  }
}
