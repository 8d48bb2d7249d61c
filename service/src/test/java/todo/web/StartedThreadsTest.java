package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpResponse;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Serving a request starts no thread. A callback chained with a plain {@code thenApply},
 * {@code handle} or {@code whenComplete} on a stage Pekko returns runs on the JDK's default
 * executor, which starts a thread per task when the common pool's parallelism is below 2
 * (a 2-core machine; the build sets it to 1 for every test, so this fails on any machine).
 * Counted, not timed: the JVM's started threads over a few thousand requests.
 */
class StartedThreadsTest {

  private static final int REQUESTS = 3_000;
  /** Pools that grow to their size on first use (the client's, Pekko's, the store's) stay well under this. */
  private static final int AT_MOST = 60;

  @RegisterExtension static final OneNode node = new OneNode("threads");

  @Test
  void theCommonPoolIsAsSmallAsOnTwoCores() {
    assertThat(ForkJoinPool.getCommonPoolParallelism()).isLessThan(2);
  }

  @Test
  void requestsStartNoThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 50; i++) request(i); // every pool on the way is made and warm
    long before = threads.getTotalStartedThreadCount();

    for (int i = 0; i < REQUESTS; i++) assertThat(request(i).statusCode()).isEqualTo(200);

    long started = threads.getTotalStartedThreadCount() - before;
    assertThat(started).as("threads started while serving %d requests", REQUESTS).isLessThanOrEqualTo(AT_MOST);
  }

  /** The book's mix: four reads to one write, over ten lists. */
  private static HttpResponse<String> request(int i) {
    String list = "threads-" + (i % 10);
    return i % 5 == 0
        ? node.web().post("/add_entry?list=" + list + "&date=2018-12-19&title=t" + i)
        : node.web().get("/entries?list=" + list + "&date=2018-12-19");
  }
}
