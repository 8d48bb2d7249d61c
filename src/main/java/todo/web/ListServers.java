package todo.web;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import todo.server.TodoCache;
import todo.server.TodoServer;

/**
 * How routes talk to a list's server: ask, then turn the reply (or the lack of one) into
 * an answer. The answer is made on Pekko's dispatcher: the stage an ask returns would
 * otherwise run it on the JDK's common pool, which on 2 cores starts a thread per task.
 */
final class ListServers {

  private final TodoCache cache;
  private final Duration timeout;
  private final Executor executor;

  ListServers(TodoCache cache, Duration timeout, Executor executor) {
    this.cache = cache;
    this.timeout = timeout;
    this.executor = executor;
  }

  Duration timeout() {
    return timeout;
  }

  Executor executor() {
    return executor;
  }

  <R> CompletionStage<HttpResponse> ask(
      String list, Function<ActorRef<R>, TodoServer.Command> message, Function<R, HttpResponse> answer) {
    return cache.serverProcess(list).<R>ask(message::apply, timeout)
        .handleAsync((reply, failure) -> failure != null ? Responses.failure(failure, list) : answer.apply(reply), executor);
  }

  /** A write: not found is a 404, refused a 503 with the reason, else {@code answer}. */
  CompletionStage<HttpResponse> write(String list, Function<ActorRef<TodoServer.WriteResult>, TodoServer.Command> message,
                                      Function<TodoServer.Written, HttpResponse> answer) {
    return this.<TodoServer.WriteResult>ask(list, message, result -> {
      if (result instanceof TodoServer.NotFound nf) {
        return Responses.text(StatusCodes.NOT_FOUND, "list " + list + " has no entry " + nf.id());
      }
      if (result instanceof TodoServer.Refused refused) return Responses.unavailable(refused.reason());
      return answer.apply((TodoServer.Written) result);
    });
  }
}
