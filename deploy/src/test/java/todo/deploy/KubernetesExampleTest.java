package todo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubernetes/todo.yaml, read as YAML and held to what the node and the image do: no
 * Kubernetes runs here, so what a cluster would find out at run time (a probe on a route the
 * node does not serve, a port the node does not listen on, a budget that lets a majority go)
 * is checked against the node's own API description, its settings and the image's name.
 */
class KubernetesExampleTest {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, JsonNode> byKind = new HashMap<>();
  private static final List<JsonNode> services = new ArrayList<>();
  private static JsonNode set;
  private static JsonNode pod;
  private static JsonNode container;
  private static Map<String, String> env;

  @BeforeAll
  static void read() throws IOException {
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(MODULE.resolve("kubernetes/todo.yaml").toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isEmpty()) continue;
        if (doc.get("kind").asText().equals("Service")) services.add(doc);
        else byKind.put(doc.get("kind").asText(), doc);
      }
    }
    set = byKind.get("StatefulSet");
    pod = set.at("/spec/template/spec");
    container = pod.get("containers").get(0);
    env = new HashMap<>();
    for (JsonNode e : container.get("env")) {
      if (e.has("value")) env.put(e.get("name").asText(), e.get("value").asText());
    }
  }

  @Test
  void itRunsTheImageTheBuildMakes() {
    assertThat(container.get("image").asText()).isEqualTo(System.getProperty("todo.image.name"));
    assertThat(container.at("/args/0").asText()).isEqualTo("start");
  }

  @Test
  void theProbesAskRoutesTheNodeServes() throws IOException {
    JsonNode paths = YAML.readTree(MODULE.resolve("../service/src/main/resources/openapi.yaml").toFile()).get("paths");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/alive");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (!container.has(probe)) continue;
      assertThat(paths.has(container.at("/" + probe + "/httpGet/path").asText())).as(probe).isTrue();
      assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
    }
  }

  @Test
  void theBudgetKeepsAMajorityOfTheNodes() {
    JsonNode budget = byKind.get("PodDisruptionBudget");
    int replicas = set.at("/spec/replicas").asInt();
    assertThat(budget.at("/spec/minAvailable").asInt()).isGreaterThan(replicas / 2).isLessThan(replicas);
    assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(set.at("/spec/template/metadata/labels"));
  }

  /** The node listens where its environment says: HTTP on TODO_HTTP_PORT, the first port of TODO_DIST_PORT_RANGE, epmd on 4369. */
  @Test
  void theContainersPortsAreThoseItsEnvironmentSets() {
    assertThat(env).doesNotContainKey("ERL_EPMD_PORT");
    assertThat(containerPort("epmd")).isEqualTo(4369);
    assertThat(containerPort("http")).isEqualTo(Integer.parseInt(env.get("TODO_HTTP_PORT")));
    assertThat(containerPort("dist")).isEqualTo(Integer.parseInt(env.get("TODO_DIST_PORT_RANGE").split("-")[0]));
  }

  /** Joining: each pod's name resolves through the headless Service, also before the pod is ready, on the ports it listens on. */
  @Test
  void theNodesFindEachOtherThroughTheHeadlessService() {
    JsonNode headless = service(set.at("/spec/serviceName").asText());
    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(headless.at("/spec/selector")).isEqualTo(set.at("/spec/template/metadata/labels"));
    for (JsonNode port : headless.at("/spec/ports")) {
      assertThat(port.get("port").asInt()).as(port.get("name").asText()).isEqualTo(containerPort(port.get("name").asText()));
    }
    String domain = "." + headless.at("/metadata/name").asText();
    assertThat(env.get("TODO_NAME")).isEqualTo("$(POD_NAME)@$(POD_NAME)" + domain);
    String prefix = set.at("/metadata/name").asText() + "-";
    String[] connect = env.get("TODO_CONNECT").split(",");
    assertThat(connect[0]).as("the first pod forms the cluster").isEqualTo(prefix + "0@" + prefix + "0" + domain);
    for (int i = 0; i < connect.length; i++) {
      assertThat(connect[i]).isEqualTo(prefix + i + "@" + prefix + i + domain);
    }
    assertThat(connect.length).isLessThan(set.at("/spec/replicas").asInt());
  }

  @Test
  void clientsReachHttpOnTheReadyNodes() {
    JsonNode http = services.stream().filter(s -> !s.at("/spec/clusterIP").asText().equals("None")).findFirst().orElseThrow();
    assertThat(http.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(http.at("/spec/publishNotReadyAddresses").asBoolean()).isFalse();
  }

  @Test
  void eachNodeKeepsItsDataOnAVolumeOfItsOwnAndItsCookieInASecret() {
    String claim = set.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
    assertThat(mountPath(claim)).isEqualTo(env.get("TODO_DB_FOLDER"));
    String secretVolume = null;
    for (JsonNode v : pod.get("volumes")) if (v.has("secret")) secretVolume = v.get("name").asText();
    assertThat(env.get("TODO_COOKIE_FILE")).startsWith(mountPath(secretVolume) + "/");
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    assertThat(pod.at("/securityContext/fsGroup").isMissingNode()).as("fsGroup makes the volume writable").isFalse();
  }

  /** The node gives its graceful leave 20 s before it halts (todo.cli.Main); Kubernetes must not kill it sooner. */
  @Test
  void aStoppingNodeHasTimeToLeaveGracefully() {
    assertThat(pod.get("terminationGracePeriodSeconds").asInt()).isGreaterThan(20);
  }

  private static JsonNode service(String name) {
    return services.stream().filter(s -> s.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow();
  }

  private static int containerPort(String name) {
    for (JsonNode p : container.get("ports")) if (p.get("name").asText().equals(name)) return p.get("containerPort").asInt();
    throw new AssertionError("no container port named " + name);
  }

  private static String mountPath(String volume) {
    for (JsonNode m : container.get("volumeMounts")) if (m.get("name").asText().equals(volume)) return m.get("mountPath").asText();
    throw new AssertionError("no mount of volume " + volume);
  }
}
