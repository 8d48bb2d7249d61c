package todo;

import java.nio.ByteBuffer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.remote.artery.RemoteInstrument;

/**
 * An Artery instrument that only watches what a node sends to another: Artery calls
 * {@link #sent} for every such message. Tests name a subclass in
 * {@code pekko.remote.artery.advanced.instruments} to count messages; it writes no metadata.
 */
public abstract class SendsInstrument extends RemoteInstrument {

  /** One message sent to another node. */
  protected abstract void sent(ActorRef recipient, Object message);

  @Override
  public void remoteMessageSent(ActorRef recipient, Object message, ActorRef sender, int size, long time) {
    sent(recipient, message);
  }

  @Override
  public void remoteWriteMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {}

  @Override
  public void remoteReadMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {}

  @Override
  public void remoteMessageReceived(ActorRef recipient, Object message, ActorRef sender, int size, long time) {}
}
