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
 * registration reached it: {@code noproc}. Pekko delivers a stopped actor's last messages
 * before its {@code Terminated}, between nodes too; a watch that arrives after the actor
 * stopped is answered at once, so it may overtake them: once acknowledged, this monitor
 * waits for the reason.
 */
final class MonitorActor extends AbstractActor {

  private final Monitors monitors;
  private final MonitorRef ref;
  private final ActorRef watched;
  private boolean acknowledged;
  private boolean ended;

  private MonitorActor(Monitors monitors, MonitorRef ref, ActorRef watched) {
    this.monitors = monitors;
    this.ref = ref;
    this.watched = watched;
  }

  static Props props(Monitors monitors, MonitorRef ref, ActorRef watched) {
    return Props.create(MonitorActor.class, () -> new MonitorActor(monitors, ref, watched));
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
          if (t.getAddressTerminated() || !monitors.connected(ref)) ended(Down.NOCONNECTION);
          else if (!acknowledged) ended(Down.NOPROC);
          // else: its Exited is on its way
        })
        .build();
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
