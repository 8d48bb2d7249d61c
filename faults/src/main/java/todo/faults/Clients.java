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
 * The campaign's users: {@code clients} threads that send requests on lists
 * {@code l0..l<lists-1>} through the nodes the {@link Balancer} picks, one request at a
 * time each, recording every request in the {@link History}. The {@link Mix} says which.
 *
 * <p>So that the history can be checked: every title written is unique
 * ({@code c<client>-<n>}, updates {@code c<client>-<n>.u<k>}); a client only updates and
 * deletes entries it created and whose add was acknowledged (it knows their ids), one
 * request at a time; and it sends at most one delete per entry, its last request on it.
 */
final class Clients {

  static final String DATE = "2018-12-19";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which requests the clients send. */
  enum Mix {
    /** The campaign's: adds, updates and deletes through the JSON API (half of them adds). */
    EDITS,
    /**
     * The book's load mix (bench/load-mix.lua): {@code GET /entries} four times for each
     * {@code POST /add_entry}, on a date of 30.
     */
    BOOK
  }

  private final Balancer balancer;
  private final Mix mix;
  private final History history;
  private final int lists;
  private final long seed;
  private final Duration timeout;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  Clients(Balancer balancer, Mix mix, History history, int lists, long seed, Duration timeout) {
    this.balancer = balancer;
    this.mix = mix;
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
        CampaignNode node = balancer.pick(random);
        double p = random.nextDouble();
        if (mix == Mix.BOOK) {
          if (p < 0.2) addEntry(node);
          else readEntries(node);
        } else if (mine.isEmpty() || p < 0.5) add(node);
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
      record(a, Op.Kind.ADD, list, id, title, false);
    }

    /** The book's {@code POST /add_entry}: answered {@code OK}, with no id. */
    private void addEntry(CampaignNode node) {
      String list = list(random.nextInt(lists));
      String title = "c" + client + "-" + (++added);
      Answer a = send(node, "POST", "/add_entry?list=" + list + "&date=" + bookDate() + "&title=" + title, null);
      record(a, Op.Kind.ADD, list, -1, title, false);
    }

    /** The book's {@code GET /entries} of a list on a date. */
    private void readEntries(CampaignNode node) {
      String list = list(random.nextInt(lists));
      Answer a = send(node, "GET", "/entries?list=" + list + "&date=" + bookDate(), null);
      record(a, Op.Kind.READ, list, -1, null, false);
    }

    private String bookDate() {
      return String.format("2018-12-%02d", 1 + random.nextInt(30));
    }

    private void update(CampaignNode node, Mine e) {
      String title = e.title + ".u" + (++e.updates);
      boolean completed = random.nextBoolean();
      Answer a = send(node, "PATCH", "/api/lists/" + e.list + "/entries/" + e.id, Map.of("title", title, "completed", completed));
      record(a, Op.Kind.UPDATE, e.list, e.id, title, completed);
    }

    private void delete(CampaignNode node, Mine e) {
      Answer a = send(node, "DELETE", "/api/lists/" + e.list + "/entries/" + e.id, null);
      record(a, Op.Kind.DELETE, e.list, e.id, null, false);
    }

    private long sentAt;
    private CampaignNode answeredBy;

    /**
     * Sends the request to {@code node}; if the node refuses the connection (the request
     * never reached it), to the node the balancer names instead, if any, and says so in the
     * answer's detail ({@code retried: ...}).
     */
    private Answer send(CampaignNode node, String method, String path, Map<String, Object> body) {
      sentAt = history.nowMs();
      List<String> refusals = new ArrayList<>();
      while (true) {
        answeredBy = node;
        Answer a = sendTo(node, method, path, body);
        CampaignNode next = a.refused ? balancer.instead(node, random) : null;
        if (next == null || refusals.size() >= 3) {
          return refusals.isEmpty() ? a : a.withDetail("retried: " + String.join(", ", refusals)
              + (a.detail.isEmpty() ? "" : "; " + a.detail));
        }
        refusals.add(node.shortName() + " refused the connection");
        node = next;
      }
    }

    private Answer sendTo(CampaignNode node, String method, String path, Map<String, Object> body) {
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
        return new Answer(Op.Outcome.UNKNOWN, -1, "", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
            + oneLine(e.getMessage())), e instanceof java.net.ConnectException);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Answer(Op.Outcome.UNKNOWN, -1, "", "interrupted");
      }
    }

    private void record(Answer a, Op.Kind kind, String list, long id, String title, boolean completed) {
      history.add(new Op(history.nextSeq(), client, kind, list, id, title, completed, answeredBy.shortName(), sentAt,
          history.nowMs(), a.outcome, a.status, a.detail));
    }
  }

  /** {@code refused}: the node refused the connection, so the request never reached it. */
  private record Answer(Op.Outcome outcome, int status, String body, String detail, boolean refused) {
    Answer(Op.Outcome outcome, int status, String body, String detail) {
      this(outcome, status, body, detail, false);
    }

    Answer withDetail(String detail) {
      return new Answer(outcome, status, body, detail, refused);
    }
  }

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
