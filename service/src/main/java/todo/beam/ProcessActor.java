package todo.beam;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.CborSerializable;

/**
 * A process's address in the cluster: an actor that puts what it receives into the
 * process's mailbox, which the process's thread reads with {@code receive()}. The actor
 * stopping is the process's death: names and groups let go of it, watchers are told, and
 * the monitors that registered here ({@link MonitorActor}) are told why, before Pekko's
 * death watch tells them it stopped.
 */
final class ProcessActor {

  private static final Logger log = LoggerFactory.getLogger(ProcessActor.class);

  private ProcessActor() {}

  sealed interface Command extends CborSerializable {}

  /** A message from another node (or sent by name through this node's agent). */
  record Deliver(Payload message) implements Command {}

  /** Tell {@code monitor} why this process ended, when it ends; acknowledged with {@link Monitoring}. */
  record Monitor(ActorRef<ToMonitor> monitor) implements Command {}

  record Demonitor(ActorRef<ToMonitor> monitor) implements Command {}

  /** The process ended, for {@code reason} (local only: its thread sends it). */
  record Stop(Object reason) implements Command {}

  /** What a process's actor tells a {@link MonitorActor}, in this order. */
  sealed interface ToMonitor extends CborSerializable {}

  /** The monitor is registered: an {@link Exited} will follow. */
  record Monitoring() implements ToMonitor {}

  /** Why the process ended ({@link Down#reason}). */
  record Exited(Payload reason) implements ToMonitor {}

  static Behavior<Command> create(String node, BlockingQueue<Object> mailbox, Runnable onStop) {
    return Behaviors.setup(ctx -> {
      Set<ActorRef<ToMonitor>> monitors = new HashSet<>();
      // Stopped with no Stop: the node's actor system is going down under the process.
      Object[] reason = {Down.NOCONNECTION};
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, m -> {
            try {
              mailbox.add(Payloads.decode(m.message()));
            } catch (Payloads.Unreadable e) {
              log.warn("A message for a process of {} was dropped: {}.", node, e.getMessage());
            }
            return Behaviors.same();
          })
          .onMessage(Monitor.class, m -> {
            monitors.add(m.monitor());
            m.monitor().tell(new Monitoring());
            return Behaviors.same();
          })
          .onMessage(Demonitor.class, m -> {
            monitors.remove(m.monitor());
            return Behaviors.same();
          })
          .onMessage(Stop.class, m -> {
            reason[0] = m.reason();
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, s -> {
            onStop.run();
            if (!monitors.isEmpty()) {
              Exited exited = new Exited(encode(reason[0]));
              monitors.forEach(m -> m.tell(exited));
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /** An exception that cannot travel (a field that is not Serializable) goes as its text. */
  private static Payload encode(Object reason) {
    try {
      return Payloads.encode(reason);
    } catch (DistException notSerializable) {
      return Payloads.encode(reason.toString());
    }
  }
}
