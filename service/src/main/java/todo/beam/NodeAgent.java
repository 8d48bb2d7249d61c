package todo.beam;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import todo.CborSerializable;

/**
 * Every node's door for the primitives that act on it from elsewhere, at
 * {@code /system/dist-agent}: spawn a task here, call a function here, send to a process
 * registered here by name, join a process of here to a group, confirm whether a process
 * of here lives (for a {@link MonitorActor}), and print on this console what tasks this
 * node spawned elsewhere print.
 */
final class NodeAgent {

  static final String NAME = "dist-agent";

  private NodeAgent() {}

  sealed interface Command extends CborSerializable {}

  /** Run {@code task} in a new process here; it prints to {@code leader}'s console. */
  record Spawn(Payload task, ActorRef<Command> leader, ActorRef<Spawned> replyTo) implements Command {}

  /** The new process, or why there is none. */
  record Spawned(Pid pid, String refusal) implements CborSerializable {}

  /** Call {@code fn} here and answer its result. */
  record Call(Payload fn, ActorRef<Command> leader, ActorRef<Returned> replyTo) implements Command {}

  /** The result, or why there is none. */
  record Returned(Payload value, String failure) implements CborSerializable {}

  record SendNamed(String name, Payload message) implements Command {}

  /** Text a task of this node printed on another node. */
  record Output(String text) implements Command {}

  /** A task this node spawned has ended (after its last output). */
  record TaskEnded(Pid pid) implements Command {}

  record PgJoin(String group, Pid pid) implements Command {}

  /** Is {@code process} a live process here? Then it is to report to {@code monitor}; if not, {@code noproc}. */
  record Confirm(String process, ActorRef<ProcessActor.ToMonitor> monitor) implements Command {}

  record PgLeave(String group, Pid pid) implements Command {}

  static Behavior<Command> create(DistNode node) {
    return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
        .onMessage(Spawn.class, m -> {
          m.replyTo().tell(node.tasks().runSpawned(m.task(), m.leader()));
          return Behaviors.same();
        })
        .onMessage(Call.class, m -> {
          node.tasks().runCall(m.fn(), m.leader(), m.replyTo());
          return Behaviors.same();
        })
        .onMessage(SendNamed.class, m -> {
          node.processes().deliverNamed(m.name(), m.message());
          return Behaviors.same();
        })
        .onMessage(Output.class, m -> {
          Console.print(m.text());
          return Behaviors.same();
        })
        .onMessage(TaskEnded.class, m -> {
          node.tasks().taskEnded(m.pid());
          return Behaviors.same();
        })
        .onMessage(Confirm.class, m -> {
          node.processes().pidAt(m.process()).flatMap(node.processes()::localRef).ifPresentOrElse(
              process -> process.tell(new ProcessActor.Monitor(m.monitor())),
              () -> m.monitor().tell(new ProcessActor.Exited(Payloads.encode(Down.NOPROC))));
          return Behaviors.same();
        })
        .onMessage(PgJoin.class, m -> {
          Pg.joinLocal(node, m.group(), m.pid());
          return Behaviors.same();
        })
        .onMessage(PgLeave.class, m -> {
          Pg.leaveLocal(node, m.group(), m.pid());
          return Behaviors.same();
        })
        .build());
  }
}
