package todo.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a stopping node's HTTP lets its clients go before it unbinds. As the node's shutdown
 * begins, {@code /health/ready} answers 503 ({@link Readiness}), yet HTTP goes on serving,
 * each answer with {@code Connection: close}, until no request (health checks aside) has
 * come for {@code quiet}, or for {@code max} at most. A load balancer that checks readiness
 * has taken the node out by then, and its keep-alive connections were closed after an
 * answer, not under a request it was sending. Then pekko-http unbinds and finishes the
 * requests in flight ({@code ServerBinding.terminate}). A node that had no request for
 * {@code quiet} when its shutdown began unbinds at once.
 *
 * <p>Without it, the port closed as the shutdown began: requests a balancer had already
 * routed here found it refusing connections, and one sent on a kept-alive connection as it
 * was closed had no answer, so its client could not tell whether its write was made.
 */
final class Drain {

  private static final Logger log = LoggerFactory.getLogger(Drain.class);
  private static final Connection CLOSE = Connection.create("close");
  private static final Duration CHECK_EVERY = Duration.ofMillis(50);

  private volatile boolean draining;
  private volatile long lastRequest = System.nanoTime();

  /** Notes that a client's request came (health checks are not counted: a balancer's keep coming). */
  void arrived() {
    lastRequest = System.nanoTime();
  }

  /** {@code response}, with {@code Connection: close} while draining. */
  HttpResponse answer(HttpResponse response) {
    return draining ? response.addHeader(CLOSE) : response;
  }

  /** Drains in CoordinatedShutdown's phase before the unbind (its time-out must exceed {@code max}). */
  void addToCoordinatedShutdown(ActorSystem<?> system, String node, Duration quiet, Duration max) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "http-drain", () -> {
      draining = true;
      long began = System.nanoTime();
      CompletableFuture<Done> drained = new CompletableFuture<>();
      Cancellable[] checks = new Cancellable[1];
      checks[0] = system.scheduler().scheduleWithFixedDelay(Duration.ZERO, CHECK_EVERY, () -> {
        long now = System.nanoTime();
        boolean quietNow = now - lastRequest >= quiet.toNanos();
        if (!quietNow && now - began < max.toNanos()) return;
        if (checks[0] != null) checks[0].cancel();
        if (drained.complete(Done.getInstance())) said(node, quietNow, quiet, max, now - began);
      }, system.executionContext());
      return drained;
    });
  }

  private static void said(String node, boolean quiet, Duration quietFor, Duration max, long tookNanos) {
    if (tookNanos < CHECK_EVERY.toNanos()) return; // idle already: nothing to say
    if (quiet) {
      log.info("Node {} drained HTTP in {} ms: no request for {} ms since it said it is not ready. It unbinds.", node,
          tookNanos / 1_000_000, quietFor.toMillis());
    } else {
      log.warn("Node {} still got requests {} ms after it said it is not ready (todo.http-drain.max): it unbinds now."
          + " Have its load balancer check /health/ready more often than todo.http-drain.quiet ({} ms).", node,
          max.toMillis(), quietFor.toMillis());
    }
  }
}
