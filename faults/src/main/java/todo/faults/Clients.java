package todo.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The campaign's users: {@code clients} threads that add, update and delete entries of
 * lists {@code l0..l<lists-1>} through the JSON API of random nodes, one request at a
 * time each, recording every request in the {@link History}.
 *
 * <p>So that the history can be checked: every title written is unique
 * ({@code c<client>-<n>}, updates {@code c<client>-<n>.u<k>}); a client only updates and
 * deletes entries it created and whose add was acknowledged (it knows their ids), one
 * request at a time; and it sends at most one delete per entry, its last request on it.
 */
final class Clients {

  static final String DATE = "2018-12-19";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<CampaignNode> nodes;
  private final History history;
  private final int lists;
  private final long seed;
  private final Duration timeout;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  Clients(List<CampaignNode> nodes, History history, int lists, long seed, Duration timeout) {
    this.nodes = nodes;
    this.history = history;
    this.lists = lists;
    this.seed = seed;
    this.timeout = timeout;
  }

  static String list(int i) {
    return "l" + i;
  }

  void start(int clients) {
    for (int c = 1; c <= clients; c++) {
      int client = c;
      Thread t = new Thread(() -> new Client(client).run(), "faults-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops sending; waits for the requests in flight to end (each within its time-out). */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) t.join(timeout.toMillis() + 5_000);
  }

  /** An entry this client created, as far as it knows. */
  private static final class Mine {
    final String list;
    final long id;
    final String title;
    int updates;

    Mine(String list, long id, String title) {
      this.list = list;
      this.id = id;
      this.title = title;
    }
  }

  private final class Client {
    private final int client;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Mine> mine = new ArrayList<>();
    private int added;

    Client(int client) {
      this.client = client;
      this.random = new Random(seed * 1_000_003L + client);
    }

    void run() {
      while (running.get()) {
        CampaignNode node = nodes.get(random.nextInt(nodes.size()));
        double p = random.nextDouble();
        if (mine.isEmpty() || p < 0.5) add(node);
        else if (p < 0.8) update(node, mine.get(random.nextInt(mine.size())));
        else delete(node, mine.remove(random.nextInt(mine.size())));
        try {
          Thread.sleep(10 + random.nextInt(40));
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void add(CampaignNode node) {
      String list = list(random.nextInt(lists));
      String title = "c" + client + "-" + (++added);
      Answer a = send(node, "POST", "/api/lists/" + list + "/entries", Map.of("title", title, "date", DATE));
      long id = -1;
      if (a.outcome == Op.Outcome.ACK) {
        try {
          id = JSON.readTree(a.body).get("id").asLong();
          mine.add(new Mine(list, id, title));
        } catch (IOException | NullPointerException e) {
          a = new Answer(Op.Outcome.UNKNOWN, a.status, a.body, "unreadable answer to an add: " + a.body);
        }
      }
      record(a, Op.Kind.ADD, list, id, title, false, node);
    }

    private void update(CampaignNode node, Mine e) {
      String title = e.title + ".u" + (++e.updates);
      boolean completed = random.nextBoolean();
      Answer a = send(node, "PATCH", "/api/lists/" + e.list + "/entries/" + e.id, Map.of("title", title, "completed", completed));
      record(a, Op.Kind.UPDATE, e.list, e.id, title, completed, node);
    }

    private void delete(CampaignNode node, Mine e) {
      Answer a = send(node, "DELETE", "/api/lists/" + e.list + "/entries/" + e.id, null);
      record(a, Op.Kind.DELETE, e.list, e.id, null, false, node);
    }

    private long sentAt;

    private Answer send(CampaignNode node, String method, String path, Map<String, Object> body) {
      sentAt = history.nowMs();
      try {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(timeout)
            .header("Content-Type", "application/json").method(method, publisher).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        int s = r.statusCode();
        Op.Outcome outcome = s / 100 == 2 ? Op.Outcome.ACK : s == 503 || s / 100 == 4 ? Op.Outcome.REFUSED : Op.Outcome.UNKNOWN;
        return new Answer(outcome, s, r.body(), outcome == Op.Outcome.ACK ? "" : oneLine(r.body()));
      } catch (IOException e) {
        return new Answer(Op.Outcome.UNKNOWN, -1, "", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Answer(Op.Outcome.UNKNOWN, -1, "", "interrupted");
      }
    }

    private void record(Answer a, Op.Kind kind, String list, long id, String title, boolean completed, CampaignNode node) {
      history.add(new Op(history.nextSeq(), client, kind, list, id, title, completed, node.shortName(), sentAt,
          history.nowMs(), a.outcome, a.status, a.detail));
    }
  }

  private record Answer(Op.Outcome outcome, int status, String body, String detail) {}

  static String oneLine(String s) {
    String line = s.replace('\n', ' ').strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** The live entries of {@code list} as {@code node} answers them; null unless it answers 200 in time. */
  static List<Checker.Row> read(CampaignNode node, String list, Duration timeout) {
    try {
      HttpResponse<String> r = node.get("/api/lists/" + list + "/entries", timeout);
      if (r.statusCode() != 200) return null;
      List<Checker.Row> rows = new ArrayList<>();
      for (JsonNode e : JSON.readTree(r.body())) {
        rows.add(new Checker.Row(e.get("id").asLong(), e.get("title").asText(), e.get("completed").asBoolean(), e.get("date").asText()));
      }
      return rows;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
