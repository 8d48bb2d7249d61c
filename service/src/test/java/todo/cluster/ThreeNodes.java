package todo.cluster;

import static todo.cluster.Clusters.awaitMesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import todo.NodeProcess;
import todo.TestNodes;

/**
 * The process tests' three-node cluster, as a JUnit extension: nodes PREFIX1, PREFIX2 and
 * PREFIX3 as real JVMs in a folder of the test's own, the first started alone and the other two
 * joining it at once; {@link #start} returns when each serves and sees the others. After each
 * test every node it made (and any {@link #another}) is killed and the folder removed.
 *
 * <pre>{@code @RegisterExtension final ThreeNodes cluster = ThreeNodes.startedBeforeEach("f");}</pre>
 */
final class ThreeNodes implements BeforeEachCallback, AfterEachCallback {

  private final String prefix;
  private final boolean startBeforeEach;
  private final List<NodeProcess> three = new ArrayList<>();
  private final List<NodeProcess> made = new ArrayList<>();
  private Path folder;

  private ThreeNodes(String prefix, boolean startBeforeEach) {
    this.prefix = prefix;
    this.startBeforeEach = startBeforeEach;
  }

  /** Three nodes, serving in one cluster before each test. */
  static ThreeNodes startedBeforeEach(String prefix) {
    return new ThreeNodes(prefix, true);
  }

  /** Three nodes not started yet: the test sets them up (say, an environment variable), then calls {@link #start}. */
  static ThreeNodes madeBeforeEach(String prefix) {
    return new ThreeNodes(prefix, false);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    folder = Files.createTempDirectory("todo-it-" + prefix + "-");
    for (int i = 1; i <= 3; i++) three.add(another(prefix + i));
    if (startBeforeEach) start();
  }

  /** The first alone, then the other two joining it at once (they boot in parallel). */
  void start() throws IOException {
    NodeProcess first = three.get(0).start();
    for (NodeProcess n : three.subList(1, 3)) n.launch("--connect", first.name());
    for (NodeProcess n : three.subList(1, 3)) n.awaitHealthy();
    awaitMesh(three.toArray(NodeProcess[]::new));
  }

  /** Node {@code i} (1, 2 or 3). */
  NodeProcess node(int i) {
    return three.get(i - 1);
  }

  /** The three, in order. */
  List<NodeProcess> nodes() {
    return List.copyOf(three);
  }

  /** One more node in the same folder, on a free port, not started; ended after the test like the three. */
  NodeProcess another(String sname) {
    NodeProcess n = new NodeProcess(sname, folder, TestNodes.freePort());
    made.add(n);
    return n;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (NodeProcess n : made) n.close();
    made.clear();
    three.clear();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
