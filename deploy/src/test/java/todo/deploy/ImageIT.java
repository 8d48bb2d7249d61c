package todo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image the build makes with Jib (target/todo-cluster-image.tar, in the format
 * of {@code docker save}), read as a container runtime reads it: its manifest, its config
 * (entrypoint, user, ports, volume, environment) and the files of its layers. It cannot be
 * run here: the default build makes it on no base image (no registry to pull a JRE from).
 */
class ImageIT {

  private static final Path CHECKOUT = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOME = "opt/todo-cluster/";

  @TempDir static Path dir;
  private static JsonNode manifest;
  private static JsonNode config;
  private static Map<String, String> env;
  /** Every file and folder of every layer, by path: its {@code tar -tv} line's mode, owner and size. */
  private static final Map<String, Entry> files = new HashMap<>();

  private record Entry(String mode, String owner, long size) {}

  @BeforeAll
  static void unpack() throws Exception {
    Path tar = CHECKOUT.resolve("deploy/target/todo-cluster-image.tar");
    assertThat(tar).as("the build makes the image (mvn package in deploy/)").isRegularFile();
    tar("-xf", tar.toString(), "-C", dir.toString());
    manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(dir.resolve(manifest.get("Config").asText()).toFile()).get("config");
    env = new HashMap<>();
    for (JsonNode variable : config.get("Env")) {
      String[] pair = variable.asText().split("=", 2);
      env.put(pair[0], pair[1]);
    }
    for (JsonNode layer : manifest.get("Layers")) {
      for (String line : tar("-tvzf", dir.resolve(layer.asText()).toString())) {
        String[] f = line.trim().split("\\s+", 6); // mode owner size date time path
        files.put(f[5].replaceAll("/$", ""), new Entry(f[0], f[1], Long.parseLong(f[2])));
      }
    }
  }

  @Test
  void itIsNamedAsTheBuildAndTheKubernetesExampleNameIt() {
    assertThat(manifest.get("RepoTags").get(0).asText()).isEqualTo(System.getProperty("todo.image.name"));
  }

  @Test
  void itHoldsTheDistributionAsItUnpacks() throws IOException {
    assertThat(files.get(HOME + "bin/todo").mode()).as("bin/todo").isEqualTo("-rwxr-xr-x");
    assertThat(files.get(HOME + "bin/todo").size()).as("the checkout's launcher").isEqualTo(Files.size(CHECKOUT.resolve("todo")));
    assertThat(files.get(HOME + "lib/todo.jar").size()).as("the product's jar")
        .isEqualTo(Files.size(CHECKOUT.resolve("service/target/todo.jar")));
    for (String file : List.of("conf/application.conf", "conf/logback.xml", "conf/todo.service", "README", "LICENSE")) {
      assertThat(files).as(file).containsKey(HOME + file);
    }
    assertThat(files.keySet()).as("no second copy of the product's classes or jars")
        .noneMatch(path -> path.endsWith(".jar") && !path.equals(HOME + "lib/todo.jar"));
  }

  @Test
  void itRunsTheLaunchersStartAsItsEntrypoint() {
    assertThat(strings(config.get("Entrypoint"))).containsExactly("/" + HOME + "bin/todo");
    assertThat(strings(config.get("Cmd"))).containsExactly("start");
  }

  /** Not root; in group 0, which owns the data folder and may write it (arbitrary user ids keep group 0). */
  @Test
  void itRunsAsAUserThatIsNotRootAndMayWriteTheDataFolder() {
    String[] user = config.get("User").asText().split(":");
    assertThat(user[0]).isNotIn("0", "root", "");
    Entry data = files.get(env.get("TODO_DB_FOLDER").substring(1));
    assertThat(data.mode()).as("the data folder").startsWith("d").matches(".{4}rwx.*");
    assertThat(data.owner()).endsWith("/" + user[1]);
  }

  @Test
  void theDataFolderIsAVolumeAndTheWorkingFolderAndHoldsTheDefaultCookie() {
    String data = env.get("TODO_DB_FOLDER");
    assertThat(fieldNames(config.get("Volumes"))).containsExactly(data);
    assertThat(config.get("WorkingDir").asText()).isEqualTo(data);
    assertThat(env.get("HOME")).as("~/.todo.cookie, made on first start, outlives the container").isEqualTo(data);
  }

  @Test
  void itExposesThePortMapperHttpAndTheDistributionPortsItIsSetTo() {
    List<String> exposed = fieldNames(config.get("ExposedPorts"));
    assertThat(exposed).contains("4369/tcp", env.get("TODO_HTTP_PORT") + "/tcp");
    String[] range = env.get("TODO_DIST_PORT_RANGE").split("-");
    for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
      assertThat(exposed).contains(port + "/tcp");
    }
    assertThat(exposed).hasSize(2 + Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** GNU tar's output, its warnings about Jib's extended headers left out. */
  private static List<String> tar(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("tar %s", String.join(" ", args)).isZero();
    return lines;
  }
}
