package todo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * A node that stops says at once that it is not ready, yet serves on (closing each
 * connection after its answer) while it drains, so that a load balancer's requests already
 * on their way are answered rather than refused. Its last request less than 30 s (quiet)
 * before, it drains for 3 s (max), in which the test's requests fall however slow the machine.
 */
class DrainTest {

  @TempDir Path dir;

  @Test
  void aStoppingNodeIsNotReadyButStillAnswersItsClientsWithConnectionClose() {
    TodoSystem node = TestNodes.startWith(Map.of("todo.http-drain.quiet", "30s", "todo.http-drain.max", "3s"), "drain", dir);
    Web web = new Web(node);
    assertThat(web.post("/add_entry?list=bob&date=2018-12-19&title=Dentist").statusCode()).isEqualTo(200);
    assertThat(web.get("/health/ready").statusCode()).isEqualTo(200);

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::stop);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> web.get("/health/ready").statusCode() == 503);
    HttpResponse<String> ready = web.get("/health/ready");
    HttpResponse<String> entries = web.get("/entries?list=bob&date=2018-12-19");

    assertThat(ready.body()).isEqualTo("not ready: drain@localhost is stopping (HTTP drains, then unbinds)");
    assertThat(ready.headers().firstValue("Retry-After")).contains("1");
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
    assertThat(entries.body()).isEqualTo("2018-12-19 Dentist");
    assertThat(entries.headers().firstValue("Connection")).contains("close");
    stopped.join();
  }
}
