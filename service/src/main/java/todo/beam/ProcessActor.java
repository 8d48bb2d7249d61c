package todo.beam;

import java.util.concurrent.BlockingQueue;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;

/**
 * A process's address in the cluster: an actor that puts what it receives into the
 * process's mailbox, which the process's thread reads with {@code receive()}. The actor
 * stopping is the process's death: names and groups let go of it, watchers are told.
 */
final class ProcessActor {

  private static final Logger log = LoggerFactory.getLogger(ProcessActor.class);

  private ProcessActor() {}

  sealed interface Command extends CborSerializable {}

  /** A message from another node (or sent by name through this node's agent). */
  record Deliver(Payload message) implements Command {}

  /** The process ended (local only). */
  enum Stop implements Command { INSTANCE }

  static Behavior<Command> create(String node, BlockingQueue<Object> mailbox, Runnable onStop) {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, m -> {
          try {
            mailbox.add(Payloads.decode(m.message()));
          } catch (Payloads.Unreadable e) {
            log.warn("A message for a process of {} was dropped: {}.", node, e.getMessage());
          }
          return Behaviors.same();
        })
        .onMessage(Stop.class, m -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          onStop.run();
          return Behaviors.same();
        })
        .build();
  }
}
