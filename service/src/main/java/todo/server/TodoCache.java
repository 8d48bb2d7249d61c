package todo.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import todo.Stages;
import todo.list.TodoList;

/**
 * The book's {@code Todo.Cache}: from any node, the one server of a list. Sharding finds it
 * wherever it runs, or starts it on first use. A list whose server runs on this node is
 * read as that server holds it, without a message ({@link #servedHere}), and asked of that
 * server directly ({@link #ask}).
 */
public final class TodoCache {

  private final ClusterSharding sharding;
  private final Scheduler scheduler;
  private final ServedHere servedHere;

  /** {@code expiry}: {@code todo.server-expiry}, after which a server that got no message stops. */
  public TodoCache(ActorSystem<?> system, Duration expiry) {
    this.sharding = ClusterSharding.get(system);
    this.scheduler = system.scheduler();
    this.servedHere = new ServedHere(expiry, list -> serverProcess(list).tell(new TodoServer.KeepAlive()));
  }

  public EntityRef<TodoServer.Command> serverProcess(String list) {
    return sharding.entityRefFor(TodoServer.TYPE_KEY, list);
  }

  /**
   * {@code list} as its server holds it now, when that server runs on this node and has
   * loaded it; else null, and the read is asked of {@link #serverProcess}. What the server
   * would answer a read from: it puts each new list there before it acknowledges the write
   * that made it.
   */
  public TodoList servedHere(String list) {
    ServedHere.Served here = servedHere.find(list);
    return here == null ? null : here.list();
  }

  /**
   * Asks the server of {@code list}: straight to it when it runs on this node, else through
   * sharding, which finds or starts it. Pekko's stage: take it in with {@code Stages.on}.
   * A message sent straight to a server that stops meanwhile is lost, as one on its way
   * through sharding to a server that moves: the caller asks again ({@code todo.ask-attempt}).
   */
  public <R> CompletionStage<R> ask(String list, Function<ActorRef<R>, TodoServer.Command> message, Duration timeout) {
    ServedHere.Served here = servedHere.find(list);
    if (here == null) return serverProcess(list).ask(message::apply, timeout);
    return AskPattern.ask(here.server(), message::apply, timeout, scheduler);
  }

  /**
   * {@link #ask}, sent again each time {@code attempt} passes without an answer, until
   * {@code timeout}: a message can be lost on its way to a server that is moving (a hand-off
   * drops what arrives at the old node; a dead node's mailbox is gone). Writes carry a request
   * id, so a write sent again is answered once and applied once. Completes on {@code executor}
   * (a Pekko dispatcher, see {@link Stages}): every callback of the ask runs there.
   */
  public <R> CompletionStage<R> askUntilAnswered(String list, Function<ActorRef<R>, TodoServer.Command> message,
                                                 Duration attempt, Duration timeout, Executor executor) {
    return askUntilAnswered(list, message, attempt, System.nanoTime() + timeout.toNanos(), executor);
  }

  private <R> CompletionStage<R> askUntilAnswered(String list, Function<ActorRef<R>, TodoServer.Command> message,
                                                  Duration attempt, long giveUpAt, Executor executor) {
    return Stages.on(executor, this.<R>ask(list, message, attempt)).handle((reply, failure) -> {
      if (failure == null) return CompletableFuture.completedFuture(reply);
      boolean noAnswer = failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
      if (noAnswer && System.nanoTime() < giveUpAt) return askUntilAnswered(list, message, attempt, giveUpAt, executor);
      return CompletableFuture.<R>failedFuture(failure);
    }).thenCompose(Function.identity());
  }

  /** How many list servers run on this node now (loading ones included). */
  public int serversRunning() {
    return servedHere.running();
  }

  /** Where this node's list servers put their lists. */
  ServedHere lists() {
    return servedHere;
  }
}
