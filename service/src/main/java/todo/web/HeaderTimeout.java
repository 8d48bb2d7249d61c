package todo.web;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Closes an HTTP connection that has not sent a complete request head (request line and
 * headers) within a time-out of opening, or of its last response: Cowboy's
 * {@code request_timeout}. pekko-http has no such limit of its own: its idle-timeout starts
 * again with every byte, so a client that trickles a header a byte at a time holds its
 * connection for ever, and a few thousand such clients use up every connection the node
 * takes. The connection closes without an answer, so this also closes keep-alive connections
 * that sit idle that long.
 *
 * <p>One stage per connection, between pekko-http's server layer and the routes. It sees a
 * request only once its head is parsed; while a request is being answered it does nothing
 * (pekko.http.server.idle-timeout and request-timeout cover that time). Its timer is not
 * rescheduled per request: when it fires early it runs again for what is left.
 */
final class HeaderTimeout extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {

  private static final String KEY = "request-head";
  private final Inlet<HttpRequest> requestIn = Inlet.create("HeaderTimeout.requestIn");
  private final Outlet<HttpRequest> requestOut = Outlet.create("HeaderTimeout.requestOut");
  private final Inlet<HttpResponse> responseIn = Inlet.create("HeaderTimeout.responseIn");
  private final Outlet<HttpResponse> responseOut = Outlet.create("HeaderTimeout.responseOut");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      BidiShape.of(requestIn, requestOut, responseIn, responseOut);
  private final long timeoutNanos;

  private HeaderTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** To join with the routes' flow: requests pass one way, responses the other. */
  static BidiFlow<HttpRequest, HttpRequest, HttpResponse, HttpResponse, NotUsed> of(Duration timeout) {
    return BidiFlow.fromGraph(new HeaderTimeout(timeout));
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private int answering; // requests whose response has not gone out yet
      private long waitingSince = System.nanoTime(); // for the next request head

      {
        passThrough(requestIn, requestOut, () -> answering++);
        passThrough(responseIn, responseOut, () -> {
          if (--answering == 0) {
            waitingSince = System.nanoTime();
            if (!isTimerActive(KEY)) scheduleOnce(KEY, Duration.ofNanos(timeoutNanos));
          }
        });
      }

      /** Passes each element from {@code in} to {@code out} as it is, then runs {@code passed}; each side ends with the other. */
      private <T> void passThrough(Inlet<T> in, Outlet<T> out, Runnable passed) {
        setHandler(in, new AbstractInHandler() {
          @Override public void onPush() {
            push(out, grab(in));
            passed.run();
          }

          @Override public void onUpstreamFinish() {
            complete(out);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override public void onPull() {
            pull(in);
          }

          @Override public void onDownstreamFinish(Throwable cause) {
            cancel(in, cause);
          }
        });
      }

      @Override
      public void preStart() {
        scheduleOnce(KEY, Duration.ofNanos(timeoutNanos));
      }

      @Override
      public void onTimer(Object key) {
        if (answering > 0) return; // the response schedules the timer again
        long left = waitingSince + timeoutNanos - System.nanoTime();
        if (left > 0) scheduleOnce(KEY, Duration.ofNanos(left));
        else completeStage(); // pekko-http closes the connection
      }
    };
  }
}
