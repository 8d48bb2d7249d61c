package todo.beam;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The monitors this node's processes hold ({@link Process#monitor}): one {@link MonitorActor}
 * each, and the {@link Down} it ends in, put into the monitoring process's mailbox at most once.
 */
final class Monitors {

  /** A monitor that has not fired: who holds it, what it watches, and its actor. */
  private record Watch(Pid holder, Pid watched, ActorRef actor) {}

  private final DistNode node;
  private final AtomicLong ids = new AtomicLong();
  private final Map<MonitorRef, Watch> watches = new ConcurrentHashMap<>();

  Monitors(DistNode node) {
    this.node = node;
  }

  /** {@code holder} gets a {@link Down} when {@code watched} ends; {@code noconnection} at once when its node is not connected. */
  MonitorRef monitor(Pid holder, Pid watched) {
    MonitorRef ref = new MonitorRef(node.name(), ids.incrementAndGet());
    if (!isConnected(watched.node())) {
      node.processes().send(holder, new Down(ref, watched, Down.NOCONNECTION));
      return ref;
    }
    org.apache.pekko.actor.typed.ActorRef<ProcessActor.Command> target = ActorRefResolver.get(node.system()).resolveActorRef(watched.ref());
    ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(node.system());
    watches.put(ref, new Watch(holder, watched, null));
    ActorRef actor = classic.systemActorOf(MonitorActor.props(this, ref, watched, Adapter.toClassic(target)), "monitor-" + ref.id());
    watches.computeIfPresent(ref, (r, w) -> new Watch(w.holder(), w.watched(), actor));
    // From the calling thread: it reaches the process before anything this thread sends it next.
    target.tell(new ProcessActor.Monitor(Adapter.toTyped(actor)));
    return ref;
  }

  /**
   * Turns {@code ref} off: no {@link Down} comes for it after this returns, and one already
   * in {@code caller}'s mailbox is taken out (the BEAM's {@code demonitor(ref, [:flush])}).
   * True when the monitor was on; false when it had fired (or was never this node's).
   */
  boolean demonitor(MonitorRef ref, Pid caller) {
    Watch w;
    synchronized (this) { // a Down that fire() is sending is in the mailbox once this lock is ours
      w = watches.remove(ref);
      if (w == null) node.processes().flush(caller, m -> m instanceof Down d && d.ref().equals(ref));
    }
    if (w != null && w.actor() != null) node.system().classicSystem().stop(w.actor());
    return w != null;
  }

  /** From {@link MonitorActor}: the watched process is gone, for {@code reason}. */
  synchronized void fire(MonitorRef ref, Object reason) {
    Watch w = watches.remove(ref);
    if (w != null) node.processes().send(w.holder(), new Down(ref, w.watched(), reason));
  }

  /** True while the node of {@code ref}'s watched process is connected (false once it is not, or the monitor is off). */
  boolean connected(MonitorRef ref) {
    Watch w = watches.get(ref);
    return w != null && isConnected(w.watched().node());
  }

  /** A process that ends lets go of the monitors it held, as on the BEAM. */
  void holderEnded(Pid holder) {
    watches.forEach((ref, w) -> {
      if (w.holder().equals(holder)) demonitor(ref, holder);
    });
  }

  String nodeName() {
    return node.name();
  }

  /** The {@link NodeAgent} of {@code other}, a connected node; null when it is not connected. */
  ActorRef agentOf(String other) {
    try {
      return Adapter.toClassic(node.peers().agentOf(other));
    } catch (DistException notConnected) {
      return null;
    }
  }

  private boolean isConnected(String other) {
    return other.equals(node.name()) || node.peers().otherNodes().contains(other);
  }
}
