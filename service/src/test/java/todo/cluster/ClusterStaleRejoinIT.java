package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.awaitMesh;
import static todo.cluster.Clusters.titles;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;
import todo.store.StoreReader;

/**
 * The book's data loss, as a regression test: a node that missed writes comes back with
 * its stale copy, the node that had served the fresh copy dies, and the stale node becomes
 * the lists' host. Every acknowledged entry must still be there.
 */
class ClusterStaleRejoinIT {

  private static final int LISTS = 12;

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.madeBeforeEach("s");

  @Test
  void aStaleNodeThatHostsTheListsAfterTheFreshOneDiesServesEveryAcknowledgedEntry() throws Exception {
    NodeProcess s1 = cluster.node(1);
    NodeProcess s2 = cluster.node(2);
    // s3 never catches up in the background: only the servers' repair can save its lists
    NodeProcess s3 = cluster.node(3).env("TODO_JAVA_OPTS", "-Xmx384m -Dtodo.catch-up.enabled=off");
    cluster.start();

    List<String> lists = new ArrayList<>();
    for (int i = 0; i < LISTS; i++) lists.add("list-" + i);
    for (String list : lists) addAcknowledged(s1, list, "before");

    s3.kill(); // s3 misses what follows
    for (String list : lists) {
      for (int i = 0; i < 3; i++) addAcknowledged(s1, list, "while-s3-was-away-" + i);
    }

    s3.launch("--connect", s1.name()).awaitHealthy(); // back, with its old copies
    awaitMesh(s1, s2, s3);
    for (String list : lists) assertThat(storedVersion(s3, list)).as("s3's copy of %s is stale", list).isEqualTo(1);

    // Every list was first asked for through s1, so s1 served them all. Once it is gone, each
    // list's server starts again on the node that asks for it first: s3, the stale one.
    s1.kill();
    List<String> movedToS3 = new ArrayList<>();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
      movedToS3.clear();
      for (String list : lists) {
        String host = Clusters.describe(s3, list).get("node").asText();
        assertThat(titles(s2, list)).as(list)
            .containsExactlyInAnyOrder("before", "while-s3-was-away-0", "while-s3-was-away-1", "while-s3-was-away-2");
        if (host.equals(s3.name())) movedToS3.add(list);
      }
    });
    assertThat(movedToS3).as("lists now served by the stale node").isNotEmpty();
    for (String list : movedToS3) {
      assertThat(titles(s3, list)).as("%s served by s3", list)
          .containsExactlyInAnyOrder("before", "while-s3-was-away-0", "while-s3-was-away-1", "while-s3-was-away-2");
      assertThat(storedVersion(s3, list)).as("s3's own file took the fresh copy of %s", list).isEqualTo(4);
      addAcknowledged(s3, list, "after"); // and with s2, a majority, it takes writes
      assertThat(titles(s2, list)).contains("after").doesNotHaveDuplicates();
    }
  }

  @Test
  void aNodeBackFromSigkillTakesWhatItMissedInTheBackground() throws Exception {
    cluster.start();
    NodeProcess c1 = cluster.node(1);
    NodeProcess c2 = cluster.node(2);
    NodeProcess c3 = cluster.node(3);
    List<String> lists = new ArrayList<>();
    for (int i = 0; i < LISTS; i++) lists.add("list-" + i);
    for (String list : lists) addAcknowledged(c1, list, "before");

    c3.kill();
    for (String list : lists) {
      for (int i = 0; i < 3; i++) addAcknowledged(c2, list, "while-away-" + i);
    }
    c3.launch("--connect", c1.name()).awaitHealthy();

    // no write touches these lists any more: only catch-up can bring c3's file up to date
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (String list : lists) assertThat(storedVersion(c3, list)).as(list).isEqualTo(4);
    });
    assertThat(c3.logLines("Caught up from")).isNotEmpty();
    String metrics = c3.get("/metrics").body();
    assertThat(metrics).contains("todo_catchup_lists_behind 0.0").containsPattern("todo_catchup_changes_total [1-9]");
  }

  private static long storedVersion(NodeProcess node, String list) throws Exception {
    try (StoreReader store = StoreReader.open(node.dataFile())) {
      return store.version(list);
    }
  }
}
