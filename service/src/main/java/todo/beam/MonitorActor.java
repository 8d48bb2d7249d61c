package todo.beam;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * One monitor ({@link Process#monitor}), on the monitoring node. It is registered with the
 * monitored process's actor ({@link ProcessActor.Monitor}, sent by the monitoring process
 * itself, so before anything it sends that process next), which acknowledges it and tells
 * it the exit reason as it stops. For the rest it watches that actor with Pekko's death
 * watch, as a classic actor because only classic {@link Terminated} says why:
 * {@code addressTerminated} when the node was removed from the cluster (left, crashed,
 * downed). A process that stopped without telling this monitor why was gone before the
 * registration reached it: {@code noproc} ({@link #confirm}). Pekko delivers a stopped actor's last messages
 * before its {@code Terminated}, between nodes too; a watch that arrives after the actor
 * stopped is answered at once, so it may overtake them: once acknowledged, this monitor
 * waits for the reason.
 */
final class MonitorActor extends AbstractActor {

  private final Monitors monitors;
  private final MonitorRef ref;
  private final Pid pid;
  private final ActorRef watched;
  private boolean acknowledged;
  private boolean ended;

  private MonitorActor(Monitors monitors, MonitorRef ref, Pid pid, ActorRef watched) {
    this.monitors = monitors;
    this.ref = ref;
    this.pid = pid;
    this.watched = watched;
  }

  static Props props(Monitors monitors, MonitorRef ref, Pid pid, ActorRef watched) {
    return Props.create(MonitorActor.class, () -> new MonitorActor(monitors, ref, pid, watched));
  }

  @Override
  public void preStart() {
    getContext().watch(watched);
  }

  @Override
  public void postStop() {
    if (!ended) Adapter.toTyped(watched).tell(new ProcessActor.Demonitor(Adapter.toTyped(getSelf()))); // demonitored
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(ProcessActor.Monitoring.class, m -> acknowledged = true)
        .match(ProcessActor.Exited.class, e -> ended(reason(e)))
        .match(Terminated.class, t -> {
          boolean nodeWent = t.getAddressTerminated() || !monitors.connected(ref) || !t.getActor().equals(watched);
          if (nodeWent) ended(Down.NOCONNECTION); // the process's node, or its agent (watched below)
          else if (!acknowledged) confirm();
          else watchNode(); // its Exited is on its way, unless the node goes first
        })
        .build();
  }

  /**
   * A {@code Terminated} of a process that never acknowledged: on this node, death watch is
   * exact, so it was gone. A node being killed can also end a remote watch this way before
   * the cluster removes it, so there the process's node confirms: it answers {@code noproc},
   * or has the process report here; and watching the node's agent turns its going into
   * {@code noconnection}.
   */
  private void confirm() {
    if (pid.node().equals(monitors.nodeName())) {
      ended(Down.NOPROC);
      return;
    }
    ActorRef agent = watchNode();
    if (agent != null) Adapter.toTyped(agent).tell(new NodeAgent.Confirm(pid.ref(), Adapter.toTyped(getSelf())));
  }

  /** Watches the agent of the process's node, when that is another node; null, and noconnection, if it is gone. */
  private ActorRef watchNode() {
    if (pid.node().equals(monitors.nodeName())) return null;
    ActorRef agent = monitors.agentOf(pid.node());
    if (agent == null) ended(Down.NOCONNECTION);
    else getContext().watch(agent);
    return agent;
  }

  private static Object reason(ProcessActor.Exited e) {
    try {
      return Payloads.decode(e.reason());
    } catch (Payloads.Unreadable unreadable) {
      return unreadable.getMessage();
    }
  }

  private void ended(Object reason) {
    ended = true;
    monitors.fire(ref, reason);
    getContext().stop(getSelf());
  }
}
