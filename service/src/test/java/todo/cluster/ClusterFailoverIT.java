package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.cluster.Clusters.addAcknowledged;
import static todo.cluster.Clusters.named;
import static todo.cluster.Clusters.titles;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;

/**
 * SIGKILL of the node that hosts a list, in a three-node cluster of real JVMs, while a client
 * writes; and a client that sends a write again with its key, to a survivor, after the kill.
 */
class ClusterFailoverIT {

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.startedBeforeEach("f");

  @Test
  void aKilledHostsListAnswersOnASurvivorWithEveryAcknowledgedEntryOnce() throws Exception {
    List<NodeProcess> nodes = cluster.nodes();
    String list = "bob";
    NodeProcess host = named(Clusters.hostOf(nodes.get(0), list), nodes);
    List<NodeProcess> survivors = nodes.stream().filter(n -> n != host).toList();
    NodeProcess writer = survivors.get(0);
    NodeProcess reader = survivors.get(1);

    List<String> before = List.of("Dentist", "Shopping", "Movies");
    for (String title : before) addAcknowledged(writer, list, title); // through a node other than the host
    // A client's write with a key, through the host itself; the client sends it again after the kill.
    String keyed = "/add_entry?list=" + list + "&date=" + Clusters.DATE + "&title=keyed&request=keyed-1";
    assertThat(host.post(keyed, Duration.ofSeconds(15)).body()).isEqualTo("OK");

    List<String> acknowledged;
    try (Clusters.Writer client = new Clusters.Writer(writer, list, "during", Duration.ofSeconds(15), false)) {
      client.awaitMoreAcknowledged(20, Duration.ofSeconds(30));
      host.kill();

      // The list answers on a survivor, served by a survivor.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
        HttpResponse<String> r = reader.get("/api/lists/" + list, Duration.ofSeconds(2));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Clusters.describe(reader, list).get("node").asText()).isNotEqualTo(host.name());
      });
      client.awaitMoreAcknowledged(20, Duration.ofSeconds(60)); // and takes writes again
      HttpResponse<String> again = reader.post(keyed, Duration.ofSeconds(15));
      assertThat(again.statusCode() + " " + again.body()).as("the keyed write sent again").isEqualTo("200 OK");
      acknowledged = client.stop();
    }

    for (NodeProcess survivor : survivors) {
      List<String> served = titles(survivor, list);
      assertThat(served).as("%s served by %s", list, survivor.name())
          .containsAll(before).containsAll(acknowledged).containsOnlyOnce("keyed").doesNotHaveDuplicates();
    }

    // Two of three replicas are a majority: writes go on, through either survivor.
    addAcknowledged(reader, list, "after-the-kill");
    assertThat(Clusters.describe(writer, list).get("writable").asBoolean()).isTrue();
    assertThat(titles(writer, list)).contains("after-the-kill").doesNotHaveDuplicates();
  }
}
