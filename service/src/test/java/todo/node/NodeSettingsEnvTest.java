package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration by environment (for containers): each variable applied, a flag beats it, a bad value is one line. */
class NodeSettingsEnvTest {

  @TempDir Path home;

  private static final NodeSettings.Flags NO_FLAGS = new NodeSettings.Flags(null, null, null, null, null, List.of(), null);

  private NodeSettings resolve(NodeSettings.Flags flags, String... env) {
    Map<String, String> vars = new HashMap<>(Map.of("TODO_COOKIE", "monster"));
    for (int i = 0; i < env.length; i += 2) vars.put(env[i], env[i + 1]);
    return NodeSettings.resolve(flags, vars, home);
  }

  private NodeSettings resolve(String... env) {
    return resolve(NO_FLAGS, env);
  }

  @Test
  void todoNameAndTodoSnameNameTheNode() {
    assertThat(resolve("TODO_NAME", "node3@db3.example").node()).isEqualTo("node3@db3.example");
    assertThat(resolve("TODO_SNAME", "node2").node()).isEqualTo("node2@" + NodeName.shortHostName());
    assertThat(resolve().node()).isEqualTo("node1@" + NodeName.shortHostName());
  }

  @Test
  void todoConnectListsTheNodesToJoin() {
    assertThat(resolve("TODO_CONNECT", "node1@db1.example, node2@db2.example,").connect())
        .containsExactly("node1@db1.example", "node2@db2.example");
  }

  @Test
  void todoDistPortRangeBoundsTheDistributionPort() {
    assertThat(resolve("TODO_DIST_PORT_RANGE", "9100-9155").distPorts()).isEqualTo(new NodeSettings.PortRange(9100, 9155));
    assertThat(resolve().distPorts()).isEqualTo(NodeSettings.PortRange.ANY);
  }

  @Test
  void todoCookieFileHoldsTheCookie() throws Exception {
    Path secret = Files.writeString(home.resolve("cookie"), "from-a-file\n");
    assertThat(NodeSettings.resolve(NO_FLAGS, Map.of("TODO_COOKIE_FILE", secret.toString()), home).cookie()).isEqualTo("from-a-file");
    assertThat(resolve("TODO_COOKIE_FILE", secret.toString()).cookie()).as("TODO_COOKIE beats it").isEqualTo("monster");
  }

  @Test
  void todoTlsVariablesStandForTheTlsSettings() {
    assertThatThrownBy(() -> resolve("TODO_TLS_KEY_STORE", home.resolve("node.p12").toString()))
        .isInstanceOf(BadSettings.class).hasMessageContaining("give both key-store and trust-store");
    assertThat(resolve().cluster().certificates()).isEmpty();
  }

  @Test
  void flagsBeatTheEnvironment() {
    NodeSettings.Flags flags = new NodeSettings.Flags(null, "node4@db4.example", null, null, null, List.of("node9@db9.example"),
        "9200-9201");
    NodeSettings s = resolve(flags, "TODO_NAME", "node3@db3.example", "TODO_CONNECT", "node1@db1.example",
        "TODO_DIST_PORT_RANGE", "9100-9155");
    assertThat(s.node()).isEqualTo("node4@db4.example");
    assertThat(s.connect()).containsExactly("node9@db9.example");
    assertThat(s.distPorts()).isEqualTo(new NodeSettings.PortRange(9200, 9201));
    NodeSettings.Flags sname = new NodeSettings.Flags("node5", null, null, null, null, List.of(), null);
    assertThat(resolve(sname, "TODO_NAME", "node3@db3.example").node()).startsWith("node5@");
  }

  @Test
  void aBadValueIsOneLineNamingTheVariable() {
    assertBad("TODO_NAME", "node3", "TODO_NAME must look like name@host: node3");
    assertBad("TODO_SNAME", "node2@db2", "TODO_SNAME takes a name without a host: node2@db2 (a full name@host is --name or TODO_NAME)");
    assertBad("TODO_CONNECT", "node1@db1,node2", "TODO_CONNECT must look like name@host: node2");
    assertBad("TODO_DIST_PORT_RANGE", "9100", "TODO_DIST_PORT_RANGE takes two ports, low-high (as 9100-9199), not '9100'");
    assertBad("TODO_DIST_PORT_RANGE", "9200-9100", "TODO_DIST_PORT_RANGE takes two ports, low-high (as 9100-9199), not '9200-9100'");
    assertThatThrownBy(() -> NodeSettings.resolve(NO_FLAGS, Map.of("TODO_COOKIE_FILE", home.resolve("none").toString()), home))
        .isInstanceOf(BadSettings.class)
        .hasMessage("TODO_COOKIE_FILE: cannot read the cookie file " + home.resolve("none") + ": no such file");
    assertThatThrownBy(() -> resolve("TODO_NAME", "a@b", "TODO_SNAME", "a")).hasMessage("set TODO_SNAME or TODO_NAME, not both");
  }

  private void assertBad(String variable, String value, String line) {
    assertThatThrownBy(() -> resolve(variable, value)).isInstanceOf(BadSettings.class).hasMessage(line);
  }
}
