package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * {@code GET /metrics} through a real node and a strict parser of Prometheus' text format
 * ({@link PrometheusText}): the meters move as requests are served, every {@code todo_}
 * meter says what it counts, and serving requests registers no meter. Counts, not times.
 */
class MetricsTest {

  @TempDir static Path dir;
  private static TodoSystem node;
  private static Web web;

  @BeforeAll
  static void start() {
    node = TestNodes.start("metrics", dir);
    web = new Web(node);
  }

  @AfterAll
  static void stop() {
    if (node != null) node.stop();
  }

  private static PrometheusText scrape() {
    HttpResponse<String> r = web.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  @Test
  void theMetersMoveAsRequestsAreServed() {
    web.post("/add_entry?list=metrics-warm&date=2018-12-19&title=warm"); // the list servers' and the store's meters exist
    PrometheusText before = scrape();

    for (int i = 0; i < 5; i++) {
      assertThat(web.post("/add_entry?list=metrics-a&date=2018-12-19&title=t" + i).statusCode()).isEqualTo(200);
    }
    assertThat(web.get("/entries?list=metrics-a&date=2018-12-19").statusCode()).isEqualTo(200);
    assertThat(web.get("/entries?list=metrics-a").statusCode()).isEqualTo(400);
    assertThat(web.postJson("/api/lists/metrics-a/entries", "{\"title\":\"json\"}").statusCode()).isEqualTo(201);
    assertThat(web.get("/api/lists/metrics-a/entries/1").statusCode()).isEqualTo(200);
    assertThat(web.get("/no/such/route").statusCode()).isEqualTo(404);
    PrometheusText after = scrape();

    String requests = "http_server_requests_seconds_count";
    assertThat(after.value(requests, "uri", "/add_entry", "method", "POST", "status", "200")
        - before.value(requests, "uri", "/add_entry", "method", "POST", "status", "200")).isEqualTo(5);
    assertThat(after.value(requests, "uri", "/entries", "method", "GET", "status", "200")
        - before.value(requests, "uri", "/entries", "method", "GET", "status", "200")).isEqualTo(1);
    assertThat(after.value(requests, "uri", "/entries", "method", "GET", "status", "400")
        - before.value(requests, "uri", "/entries", "method", "GET", "status", "400")).isEqualTo(1);
    assertThat(after.value(requests, "uri", "/api/lists/{list}/entries", "method", "POST", "status", "201")).isEqualTo(1);
    assertThat(after.value(requests, "uri", "/api/lists/{list}/entries/{id}", "method", "GET", "status", "200")).isEqualTo(1);
    assertThat(after.value(requests, "uri", "NOT_FOUND", "method", "GET", "status", "404")).isEqualTo(1);
    assertThat(after.value("http_server_requests_seconds_sum", "uri", "/add_entry", "method", "POST", "status", "200"))
        .isGreaterThan(before.value("http_server_requests_seconds_sum", "uri", "/add_entry", "method", "POST", "status", "200"));
    assertThat(after.value("http_server_requests_seconds_count", "uri", "/metrics", "method", "GET", "status", "200"))
        .as("the scrape before this one").isGreaterThanOrEqualTo(1);

    assertThat(after.value("todo_changes_acknowledged_total") - before.value("todo_changes_acknowledged_total")).isEqualTo(6);
    assertThat(after.value("todo_store_batch_size_writes_count")).isGreaterThan(before.value("todo_store_batch_size_writes_count"));
    assertThat(after.value("todo_store_batch_size_writes_sum") - before.value("todo_store_batch_size_writes_sum"))
        .isGreaterThanOrEqualTo(6);
    assertThat(after.value("todo_store_commits_total")).isGreaterThan(before.value("todo_store_commits_total"));
    assertThat(after.value("todo_list_servers")).isGreaterThanOrEqualTo(2);
    assertThat(after.value("todo_cluster_members", "status", "up")).isEqualTo(1);
    assertThat(after.value("todo_cluster_members", "status", "unreachable")).isEqualTo(0);
    assertThat(after.has("todo_store_queued_writes")).isTrue();
  }

  @Test
  void theJvmAndTheBuildAreThere() {
    PrometheusText metrics = scrape();
    for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "jvm_gc_memory_allocated_bytes_total", "process_uptime_seconds", "process_files_open_files", "process_cpu_usage"}) {
      assertThat(metrics.has(jvm)).as(jvm).isTrue();
    }
    PrometheusText.Sample build = metrics.samples.stream().filter(s -> s.name().equals("todo_build_info")).findFirst().orElseThrow();
    assertThat(build.value()).isEqualTo(1);
    assertThat(build.labels().get("version")).isEqualTo("0.1.0");
    assertThat(build.labels()).containsKey("commit");
    assertThat(build.labels().get("protocol")).isEqualTo(String.valueOf(todo.node.Protocol.VERSION));
  }

  @Test
  void everyTodoMeterSaysWhatItCounts() {
    web.post("/add_entry?list=metrics-help&date=2018-12-19&title=t");
    PrometheusText metrics = scrape();
    assertThat(metrics.help.keySet()).filteredOn(name -> name.startsWith("todo_")).hasSizeGreaterThan(8);
    metrics.help.forEach((name, help) -> {
      if (name.startsWith("todo_") || name.startsWith("http_server_requests")) {
        assertThat(help).as("HELP of %s", name).isNotBlank().hasSizeGreaterThan(15).isNotEqualTo(name);
      }
    });
  }

  @Test
  void servingRequestsRegistersNoMeter() {
    for (int i = 0; i < 20; i++) request(i);
    long meters = ours();

    for (int i = 0; i < 1_000; i++) request(i);

    assertThat(ours()).as("meters after 1,000 more requests").isEqualTo(meters);
  }

  /** The node's own meters and the HTTP timers (the JVM's GC meters come with the first pause of each cause). */
  private static long ours() {
    return node.metrics().getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("todo.") || m.getId().getName().startsWith("http.")).count();
  }

  /** Requests to existing routes, each kind answered the same status every time. */
  private static void request(int i) {
    switch (i % 5) {
      case 0 -> web.post("/add_entry?list=metrics-count&date=2018-12-19&title=t" + i);
      case 1 -> web.get("/health");
      case 2 -> web.get("/entries?list=metrics-count&date=2018-12-19");
      case 3 -> web.get("/api/lists/metrics-count/entries");
      default -> web.get("/health/alive");
    }
  }

  @Test
  void aLoneNodeIsAliveAndReady() {
    HttpResponse<String> alive = web.get("/health/alive");
    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(alive.body()).isEqualTo("ok");
    HttpResponse<String> ready = web.get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready");
    assertThat(web.get("/health").body()).isEqualTo("ok");
  }
}
