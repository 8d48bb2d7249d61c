package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import todo.NodeProcess;

/** What the cluster process tests ask of the nodes, through their HTTP APIs. */
final class Clusters {

  static final String DATE = "2018-12-19";

  private Clusters() {}

  /** The other nodes {@code node} lists in /api/cluster. */
  static List<String> othersSeenBy(NodeProcess node) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    node.getJson("/api/cluster").get("nodes").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** Each node's HTTP address, as {@code node}'s /api/cluster gives them. */
  static Map<String, String> httpSeenBy(NodeProcess node) throws IOException, InterruptedException {
    Map<String, String> http = new LinkedHashMap<>();
    node.getJson("/api/cluster").get("http").fields().forEachRemaining(e -> http.put(e.getKey(), e.getValue().asText()));
    return http;
  }

  /** Waits until every node lists exactly the others (gossip has spread). */
  static void awaitMesh(NodeProcess... nodes) {
    awaitMembers(nodes);
    awaitReplicaSet(nodes);
  }

  /** Every node lists every other as a member. */
  static void awaitMembers(NodeProcess... nodes) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (NodeProcess n : nodes) {
        List<String> others = new ArrayList<>();
        for (NodeProcess o : nodes) if (o != n) others.add(o.name());
        assertThat(othersSeenBy(n)).as("the nodes %s lists", n.name()).containsExactlyInAnyOrderElementsOf(others);
      }
    });
  }

  /** Every node's agreed replica set holds every one of them (a joiner is added after it is a member). */
  static void awaitReplicaSet(NodeProcess... nodes) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (NodeProcess n : nodes) {
        List<String> set = replicaSetSeenBy(n);
        for (NodeProcess o : nodes) assertThat(set).as("the replica set %s knows", n.name()).contains(o.name());
      }
    });
  }

  static List<String> replicaSetSeenBy(NodeProcess node) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    node.getJson("/api/cluster").get("replicaSet").get("nodes").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** The node that hosts {@code list}'s server now, asked through {@code via} (it starts the server if none runs). */
  static String hostOf(NodeProcess via, String list) throws IOException, InterruptedException {
    return describe(via, list).get("node").asText();
  }

  static JsonNode describe(NodeProcess via, String list) throws IOException, InterruptedException {
    return via.getJson("/api/lists/" + encode(list));
  }

  static NodeProcess named(String name, List<NodeProcess> nodes) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no node named " + name + " among " + nodes.stream().map(NodeProcess::name).toList()));
  }

  /** The book's add_entry on {@code list}, dated {@link #DATE}. */
  static HttpResponse<String> add(NodeProcess via, String list, String title, Duration timeout)
      throws IOException, InterruptedException {
    return via.post("/add_entry?list=" + encode(list) + "&date=" + DATE + "&title=" + encode(title), timeout);
  }

  /** Adds an entry that must be acknowledged. */
  static void addAcknowledged(NodeProcess via, String list, String title) throws IOException, InterruptedException {
    HttpResponse<String> r = add(via, list, title, Duration.ofSeconds(15));
    assertThat(r.statusCode() + " " + r.body()).as("add_entry %s to %s through %s", title, list, via.name()).isEqualTo("200 OK");
  }

  /** The raw answer of the book's entries query for {@link #DATE}. */
  static HttpResponse<String> entries(NodeProcess via, String list, Duration timeout) throws IOException, InterruptedException {
    return via.get("/entries?list=" + encode(list) + "&date=" + DATE, timeout);
  }

  /** The titles of {@code list}'s entries of {@link #DATE}, in order; fails unless the node answers 200. */
  static List<String> titles(NodeProcess via, String list) throws IOException, InterruptedException {
    HttpResponse<String> r = entries(via, list, Duration.ofSeconds(15));
    assertThat(r.statusCode()).as("entries of %s through %s: %s", list, via.name(), r.body()).isEqualTo(200);
    return titlesIn(r.body());
  }

  static List<String> titlesIn(String body) {
    List<String> titles = new ArrayList<>();
    for (String line : body.split("\n")) if (!line.isEmpty()) titles.add(line.substring((DATE + " ").length()));
    return titles;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * A client that keeps adding entries titled {@code prefix-0, prefix-1, ...} to a list through
   * one node, one request at a time, as a user would; it records which were acknowledged
   * ("OK") and every other answer.
   */
  static final class Writer implements AutoCloseable {
    final List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** With {@code alsoRead}, each write is followed by a read of the list, whose failures are recorded too. */
    Writer(NodeProcess via, String list, String prefix, Duration timeout, boolean alsoRead) {
      thread = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          String title = prefix + "-" + i;
          try {
            HttpResponse<String> r = add(via, list, title, timeout);
            if (r.statusCode() == 200 && r.body().equals("OK")) acknowledged.add(title);
            else failures.add("POST " + title + ": " + r.statusCode() + " " + r.body());
          } catch (IOException e) {
            failures.add("POST " + title + ": " + e);
          } catch (InterruptedException e) {
            return;
          }
          if (alsoRead) {
            try {
              HttpResponse<String> r = entries(via, list, timeout);
              if (r.statusCode() != 200) failures.add("GET after " + title + ": " + r.statusCode() + " " + r.body());
            } catch (IOException e) {
              failures.add("GET after " + title + ": " + e);
            } catch (InterruptedException e) {
              return;
            }
          }
          try {
            Thread.sleep(10); // a steady client, not a load test: leave the 2 cores to the nodes
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "writer-" + prefix);
      thread.start();
    }

    int acknowledgedCount() {
      return acknowledged.size();
    }

    /** Waits until {@code n} more writes than now have been acknowledged. */
    void awaitMoreAcknowledged(int n, Duration atMost) {
      int target = acknowledgedCount() + n;
      await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> acknowledgedCount() >= target);
    }

    /** Stops after the request in progress; returns what was acknowledged. */
    List<String> stop() throws InterruptedException {
      running.set(false);
      thread.join();
      synchronized (acknowledged) {
        return List.copyOf(acknowledged);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
