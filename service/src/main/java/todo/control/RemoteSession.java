package todo.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;
import todo.shell.Shell;

/**
 * One {@code todo shell --remsh} session in the node, as {@code iex --remsh} opens one: a JShell
 * of its own that keeps its variables from one line to the next, fed the caller's lines in
 * order on a thread of its own. It ends at the caller's {@link End}, or when the caller's
 * process goes away (the session watches it), and closes its JShell then.
 */
public final class RemoteSession {

  private static final Logger log = LoggerFactory.getLogger(RemoteSession.class);

  public sealed interface Command extends CborSerializable {}

  /** One line typed at the caller's prompt. */
  public record Line(String text, ActorRef<Output> replyTo) implements Command {}

  /** The end of the caller's input: what is pending is evaluated, and the session ends. */
  public record End(ActorRef<Output> replyTo) implements Command {}

  /** What the line printed; {@code incomplete}: a snippet has begun and awaits more lines. */
  public record Output(String text, boolean incomplete) implements CborSerializable {}

  private RemoteSession() {}

  static Behavior<Command> create(String node, String name, ActorRef<Void> client) {
    return Behaviors.setup(ctx -> {
      ctx.watch(client);
      ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "todo-" + name);
        t.setDaemon(true);
        return t;
      });
      // JShell takes seconds to start: it does on the session's thread, before the first line.
      CompletableFuture<Shell.Session> shell = CompletableFuture.supplyAsync(() -> new Shell(null).session(), thread);
      return Behaviors.receive(Command.class)
          .onMessage(Line.class, m -> {
            shell.thenAcceptAsync(s -> {
              Evaluation.Result r = Evaluation.run(out -> s.line(m.text(), out));
              m.replyTo().tell(new Output(r.output(), s.incomplete()));
            }, thread);
            return Behaviors.same();
          })
          .onMessage(End.class, m -> {
            shell.thenAcceptAsync(s -> m.replyTo().tell(new Output(Evaluation.run(s::rest).output(), false)), thread);
            log.info("Node {} ends remsh session {}: its client is done.", node, name);
            return Behaviors.stopped();
          })
          .onSignal(Terminated.class, t -> {
            log.info("Node {} ends remsh session {}: its client went away.", node, name);
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, s -> {
            shell.thenAcceptAsync(Shell.Session::close, thread).whenComplete((done, e) -> thread.shutdown());
            return Behaviors.same();
          })
          .build();
    });
  }
}
