package todo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * A list's server starts on the node its first request came through, whichever node is the
 * oldest (where sharding's coordinator runs): two real nodes in one JVM, a the first.
 */
class ServerPlacementTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int SHARDS = 100; // application.conf: pekko.cluster.sharding.number-of-shards

  @TempDir static Path dir;
  private static TodoSystem a;
  private static TodoSystem b;
  /** The shards placed so far: a list in one of them is served where its shard went, not where it was asked for. */
  private static final Set<String> placed = new HashSet<>();

  @BeforeAll
  static void start() {
    a = TestNodes.start("a", dir);
    b = TestNodes.startConnected("b", dir, "a@localhost");
    await().atMost(TIMEOUT).until(() -> a.database().replicaSet().nodes().size() == 2
        && b.database().replicaSet().nodes().size() == 2);
  }

  @AfterAll
  static void stop() {
    b.stop();
    a.stop();
  }

  /** {@code count} lists named {@code prefix-N}, each in a shard no list asked for so far. */
  private static List<String> listsInNewShards(String prefix, int count) {
    List<String> lists = new ArrayList<>();
    for (int i = 0; lists.size() < count; i++) {
      String list = prefix + "-" + i;
      if (placed.add(ShardRegion.HashCodeMessageExtractor$.MODULE$.shardId(list, SHARDS))) lists.add(list);
    }
    return lists;
  }

  /** The node whose server answers for {@code list}, asked through {@code through}. */
  private static String servedOn(TodoSystem through, String list) {
    return through.cache().serverProcess(list).ask(TodoServer.Describe::new, TIMEOUT).toCompletableFuture().join().node();
  }

  private static long countServedOn(TodoSystem through, List<String> lists, String node) {
    return lists.stream().filter(list -> servedOn(through, list).equals(node)).count();
  }

  @Test
  void listsFirstAskedForThroughTheNewerNodeAreServedThere() {
    List<String> lists = listsInNewShards("through-b", 10);
    assertThat(countServedOn(b, lists, "b@localhost")).isEqualTo(10);
    assertThat(countServedOn(a, lists, "b@localhost")).as("asked again, through the other node").isEqualTo(10);
  }

  @Test
  void listsFirstAskedForThroughTheOldestNodeAreServedThere() {
    List<String> lists = listsInNewShards("through-a", 10);
    assertThat(countServedOn(a, lists, "a@localhost")).isEqualTo(10);
  }
}
