package todo.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * One in-JVM node for a test class of the HTTP API, started before its first test and stopped
 * after its last, in a folder of its own:
 * {@code @RegisterExtension static final OneNode node = new OneNode("web");}, then
 * {@code node.web().get(...)}. A class's own {@code @BeforeAll} runs after the node is up.
 */
final class OneNode implements BeforeAllCallback, AfterAllCallback {

  private final String sname;
  private Path folder;
  private TodoSystem node;
  private Web web;

  OneNode(String sname) {
    this.sname = sname;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    folder = Files.createTempDirectory("todo-test-" + sname + "-");
    node = TestNodes.start(sname, folder);
    web = new Web(node);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (node != null) node.stop();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  Web web() {
    return web;
  }

  int httpPort() {
    return node.httpPort();
  }

  TodoSystem system() {
    return node;
  }
}
