package todo.web;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import todo.list.Entry;
import todo.list.TodoList;
import todo.server.TodoCache;
import todo.server.TodoServer;

/**
 * How routes talk to a list's server: ask, then turn the reply (or the lack of one) into
 * an answer. The ask's stage is taken in through {@link todo.Stages#on}, so the retry and the
 * answer run on Pekko's dispatcher: never on the JDK's default executor, which on 2 cores
 * starts a thread per task.
 *
 * <p>An ask that gets no answer within {@code todo.ask-attempt} is sent again, until
 * {@code todo.ask-timeout} ({@link TodoCache#askUntilAnswered}). A write's request id is
 * the client's own when it gave a key ({@link ClientKey}): then the client too can send a
 * write again, to this node or another.
 */
final class ListServers {

  private final TodoCache cache;
  private final Duration timeout;
  private final Duration attempt;
  private final Executor executor;

  ListServers(TodoCache cache, Duration timeout, Duration attempt, Executor executor) {
    this.cache = cache;
    this.timeout = timeout;
    this.attempt = attempt;
    this.executor = executor;
  }

  Duration timeout() {
    return timeout;
  }

  Executor executor() {
    return executor;
  }

  /**
   * The ask's answer: {@link TodoCache#askUntilAnswered} completes on Pekko's dispatcher already (its
   * stage is a plain future that {@link todo.Stages#on} completes there), so the answer is made on
   * that thread, not handed to another one.
   */
  <R> CompletionStage<HttpResponse> ask(
      String list, Function<ActorRef<R>, TodoServer.Command> message, Function<R, HttpResponse> answer) {
    return cache.askUntilAnswered(list, message, attempt, timeout, executor)
        .handle((reply, failure) -> failure != null ? Responses.failure(failure, list) : answer.apply(reply));
  }

  /**
   * The entries of {@code date} (all of them when null), by id, made into an answer. When the
   * list's server runs on this node, read as it holds the list now, without a message
   * ({@link TodoCache#servedHere}: what the server would answer); else asked of it.
   */
  CompletionStage<HttpResponse> entries(String list, LocalDate date, Function<List<Entry>, HttpResponse> answer) {
    TodoList here = cache.servedHere(list);
    if (here != null) return CompletableFuture.completedFuture(answer.apply(date == null ? here.entries() : here.entries(date)));
    return this.<TodoServer.Entries>ask(list, replyTo -> new TodoServer.GetEntries(date, replyTo), e -> answer.apply(e.entries()));
  }

  /**
   * A write: not found is a 404, refused a 503 with the reason, a client's key reused for a
   * different write a 422, else {@code answer}. {@code request} is the id a client's key
   * gave it ({@link ClientKey}), or null for an id of this node's own.
   */
  CompletionStage<HttpResponse> write(String list, String request,
                                      BiFunction<String, ActorRef<TodoServer.WriteResult>, TodoServer.Command> message,
                                      Function<TodoServer.Written, HttpResponse> answer) {
    String id = request != null ? request : UUID.randomUUID().toString();
    return this.<TodoServer.WriteResult>ask(list, replyTo -> message.apply(id, replyTo), result -> {
      if (result instanceof TodoServer.NotFound nf) {
        return Responses.text(StatusCodes.NOT_FOUND, "list " + list + " has no entry " + nf.id());
      }
      if (result instanceof TodoServer.Refused refused) return Responses.unavailable(refused.reason());
      if (result instanceof TodoServer.Reused reused) {
        return Responses.text(StatusCodes.UNPROCESSABLE_ENTITY, "this key was used for a different write to list "
            + list + " (it made version " + reused.version() + "); a new write needs a new key");
      }
      return answer.apply((TodoServer.Written) result);
    });
  }
}
