package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * Serving a request builds no route: the route tree is built once, when the node binds.
 * Pekko's Java DSL calls the lambda given to a directive on every request that reaches it, so
 * a directive written inside one ({@code path("x", () -> get(() -> ...))}) is built again for
 * every request (the commit before this test built 45,250 over these 2,000 requests; the
 * issue measured /health at half a bare server's rate). Counted, not timed: every route the
 * DSL makes is a {@code RouteAdapter}, whose constructions this JVM counts (Byte Buddy adds the
 * count to its constructor) across a few thousand requests to every kind of route.
 */
public class RoutesBuiltOnceTest {

  /** Public: the count is made inside Pekko's class. */
  public static final AtomicLong BUILT = new AtomicLong();
  private static final int REQUESTS = 2_000;

  @TempDir static Path dir;
  private static TodoSystem node;
  private static Web web;
  private static long builtAtStart;

  @BeforeAll
  static void start() {
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .type(ElementMatchers.named("org.apache.pekko.http.javadsl.server.directives.RouteAdapter"))
        .transform((builder, type, loader, module, domain) ->
            builder.visit(Advice.to(Counted.class).on(ElementMatchers.isConstructor())))
        .installOn(ByteBuddyAgent.install());
    node = TestNodes.start("routes", dir);
    web = new Web(node);
    builtAtStart = BUILT.get();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.stop();
  }

  @Test
  void theCountSeesTheTreeBuiltAtStart() {
    assertThat(builtAtStart).isGreaterThan(10);
  }

  @Test
  void servingRequestsBuildsNoRoute() {
    for (int i = 0; i < 50; i++) request(i);
    long before = BUILT.get();

    for (int i = 0; i < REQUESTS; i++) assertThat(request(i).statusCode()).isBetween(200, 299);

    assertThat(BUILT.get() - before).as("routes built while serving %d requests", REQUESTS).isZero();
  }

  /** Every kind of route that answers 2xx: the book's mix, /health, the JSON API, the cluster's, the page's. */
  private static HttpResponse<String> request(int i) {
    String list = "routes-" + (i % 10);
    return switch (i % 8) {
      case 0 -> web.post("/add_entry?list=" + list + "&date=2018-12-19&title=t" + i);
      case 1 -> web.get("/health");
      case 2 -> web.get("/api/lists/" + list + "/entries");
      case 3 -> web.postJson("/api/lists/" + list + "/entries", "{\"title\":\"t" + i + "\",\"date\":\"2018-12-19\"}");
      case 4 -> web.get("/api/lists/" + list + "/entries/1");
      case 5 -> web.get("/api/cluster");
      case 6 -> web.send("OPTIONS", "/api/lists/" + list + "/entries", java.net.http.HttpRequest.BodyPublishers.noBody());
      default -> switch ((i / 8) % 4) { // requests that need no entry: the book's read, the page, its asset, the lists
        case 0 -> web.get("/entries?list=" + list + "&date=2018-12-19");
        case 1 -> web.get("/");
        case 2 -> web.get("/assets/app.js");
        default -> web.get("/api/lists?limit=5&q=routes");
      };
    };
  }

  /** Byte Buddy's advice, inlined at the end of every constructor of the DSL's route class. */
  static final class Counted {
    @Advice.OnMethodExit
    static void built() {
      BUILT.incrementAndGet();
    }
  }
}
