package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import todo.NodeProcess;

/**
 * {@code GET /health/ready} on real JVMs: a lone survivor of three nodes killed with SIGKILL
 * is alive but not ready, and says why (which replicas it cannot reach, what a majority is);
 * it is ready again once one of them is back.
 */
class ReadinessIT {

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.startedBeforeEach("r");

  @Test
  void aLoneSurvivorIsNotReadyUntilAMajorityIsBack() throws Exception {
    NodeProcess survivor = cluster.node(1);
    assertThat(survivor.get("/health/ready").statusCode()).isEqualTo(200);

    cluster.node(2).kill();
    cluster.node(3).kill();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      HttpResponse<String> ready = survivor.get("/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      assertThat(ready.body()).doesNotContain("\n")
          .contains("2 of 3 replicas unreachable", cluster.node(2).name(), cluster.node(3).name(), "a majority is 2");
    });
    HttpResponse<String> alive = survivor.get("/health/alive");
    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(alive.body()).isEqualTo("ok");
    assertThat(survivor.get("/health").body()).isEqualTo("ok");

    cluster.node(2).start("--connect", survivor.name());

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      HttpResponse<String> ready = survivor.get("/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready");
    });
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(cluster.node(2).get("/health/ready").statusCode()).as("the restarted node").isEqualTo(200));
  }
}
