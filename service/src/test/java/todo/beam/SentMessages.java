package todo.beam;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.ActorRef;
import todo.SendsInstrument;

/**
 * Counts what the nodes of this JVM send each other: Artery calls an instrument for every
 * message it sends to another node. Only the primitives' own messages (of todo.beam) are
 * kept, by class and recipient; the cluster's gossip and heartbeats are not.
 */
public final class SentMessages extends SendsInstrument {

  /** One message sent to another node. */
  record Sent(String type, String recipient) {}

  private static final ConcurrentLinkedQueue<Sent> SENT = new ConcurrentLinkedQueue<>();

  static void clear() {
    SENT.clear();
  }

  static List<Sent> all() {
    return List.copyOf(SENT);
  }

  @Override
  public byte identifier() {
    return 7;
  }

  @Override
  protected void sent(ActorRef recipient, Object message) {
    if (message.getClass().getName().startsWith("todo.beam.")) {
      SENT.add(new Sent(message.getClass().getSimpleName(), recipient.path().toStringWithoutAddress()));
    }
  }
}
