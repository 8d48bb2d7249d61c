package todo.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import todo.node.AdminCredential;
import todo.node.BadSettings;

/**
 * A request to an admin route of a running node's HTTP API, with the cluster's admin
 * credential ({@link AdminCredential}, derived from {@code --cookie}): what {@code todo forget}
 * and {@code todo backup} send. Every way it can fail is one line ({@link ExitCodes.Failed}):
 * an address that refuses connections, no answer in time, a credential the node refuses.
 */
final class AdminRequest {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private AdminRequest() {}

  /** {@code --timeout SECONDS} as a duration; bad input unless positive. */
  static Duration timeout(int seconds) {
    if (seconds <= 0) throw new BadSettings("--timeout must be a positive number of seconds, not " + seconds);
    return Duration.ofSeconds(seconds);
  }

  /** {@code method} {@code pathAndQuery} on {@code node}, answered within {@code timeout}; any status but 401 is the caller's. */
  static <T> HttpResponse<T> send(RunningNode node, String cookie, String method, String pathAndQuery, Duration timeout,
                                  HttpResponse.BodyHandler<T> body) throws InterruptedException {
    String url = node.httpUrl() + pathAndQuery;
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", AdminCredential.header(cookie))
        .timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    HttpResponse<T> answer;
    try {
      answer = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build().send(request, body);
    } catch (HttpConnectTimeoutException e) {
      throw new ExitCodes.Failed(node.node() + " did not accept a connection at " + node.httpUrl() + " within "
          + CONNECT_TIMEOUT.toSeconds() + " s: is the address reachable from here?");
    } catch (HttpTimeoutException e) {
      throw new ExitCodes.Failed(node.node() + " did not answer " + method + " " + path(pathAndQuery) + " within "
          + timeout.toSeconds() + " s (" + node.httpUrl() + "); try again, or with a longer --timeout");
    } catch (ConnectException e) {
      throw new ExitCodes.Failed(node.node() + " is registered with the port mapper of " + node.host()
          + " but its HTTP address " + node.httpUrl() + " refuses connections: is it stopping, or its HTTP port blocked?");
    } catch (IOException e) {
      throw new ExitCodes.Failed("no answer from " + node.node() + " at " + node.httpUrl() + ": "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
    if (answer.statusCode() == 401) {
      throw new ExitCodes.Failed(node.node() + " refused the admin credential: the cookie here (--cookie, TODO_COOKIE, "
          + "TODO_COOKIE_FILE or ~/.todo.cookie) is not the cluster's");
    }
    return answer;
  }

  private static String path(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }
}
