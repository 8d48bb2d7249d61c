package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read of a list whose server runs on this node is answered from the list that server
 * holds, with no ask of it: no message to the shard region, the shard and the server, and
 * none back. Counted, not timed: every ask takes a temporary actor, numbered in turn.
 */
class ReadsServedHereTest {

  private static final int READS = 1_000;
  /** Asks the node's own machinery makes meanwhile (cluster, sharding): a few, never one per read. */
  private static final int AT_MOST = 20;

  @RegisterExtension static final OneNode node = new OneNode("served-here");

  @Test
  void readsOfAListServedHereAskNothing() {
    assertThat(node.web().post("/add_entry?list=read-here&date=2018-12-19&title=Dentist").statusCode()).isEqualTo(200);
    long before = asksSoFar();

    for (int i = 0; i < READS; i++) {
      assertThat(node.web().get("/entries?list=read-here&date=2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
    }

    assertThat(asksSoFar() - before).as("asks made while serving %d reads", READS).isLessThanOrEqualTo(AT_MOST);
  }

  @Test
  void aReadAfterAnAcknowledgedWriteSeesIt() {
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      assertThat(node.web().post("/add_entry?list=read-back-here&date=2018-12-19&title=t" + i).statusCode()).isEqualTo(200);
      expected.append(i == 0 ? "" : "\n").append("2018-12-19 t").append(i);
      assertThat(node.web().get("/entries?list=read-back-here&date=2018-12-19").body()).isEqualTo(expected.toString());
    }
  }

  private static final String DIGITS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";

  /**
   * How many temporary actors the node made so far, each ask one: this takes the next one's
   * name, {@code $} and its number in Pekko's base 64, least significant digit first.
   */
  private static long asksSoFar() {
    var system = (ExtendedActorSystem) node.system().actorSystem().classicSystem();
    String name = system.provider().tempPath().name();
    long n = 0;
    for (int i = name.length() - 1; i >= 1; i--) n = n * 64 + DIGITS.indexOf(name.charAt(i));
    return n;
  }
}
