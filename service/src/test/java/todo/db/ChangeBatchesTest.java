package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import todo.list.Change;
import todo.list.Entry;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Stamped;

/**
 * A replica's stream of change batches lives as long as the replica set holds that replica:
 * {@link ChangeBatches#keepOnly} closes the others, so that a long-lived node does not keep
 * one stream per incarnation of every node it ever sent to.
 */
class ChangeBatchesTest {

  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A replica that stores whatever it is sent. */
  private static ActorRef<Replica.Command> replica(String node) {
    return kit.spawn(Behaviors.receiveMessage(command -> {
      if (command instanceof Replica.StoreChanges store) {
        List<Replica.Reply> replies = store.changes().stream()
            .map(c -> new Replica.Reply(node, Outcome.APPLIED, new Position(c.epoch(), c.change().version()), c.epoch(), null))
            .toList();
        store.replyTo().tell(new Replica.Stored(replies));
      }
      return Behaviors.same();
    }));
  }

  private static Stamped change(long version) {
    return new Stamped(new Change.Put("bob", version, new Entry(version, LocalDate.of(2018, 12, 19), "Dentist", false, version), null), 1, 0, 0);
  }

  @Test
  void aReplicaLeftOutOfTheSetHasItsStreamClosed() throws Exception {
    ChangeBatches batches = new ChangeBatches(kit.system(), Duration.ofSeconds(5), 2, 100, new SimpleMeterRegistry());
    var b = new ReplicaSet.ReplicaNode("b@host", replica("b@host"), true);
    var c = new ReplicaSet.ReplicaNode("c@host", replica("c@host"), true);

    assertThat(batches.ask(b, change(1)).toCompletableFuture().get(10, TimeUnit.SECONDS).stored()).isTrue();
    assertThat(batches.ask(c, change(1)).toCompletableFuture().get(10, TimeUnit.SECONDS).stored()).isTrue();
    assertThat(batches.streams()).isEqualTo(2);

    batches.keepOnly(Set.of(b.ref())); // c left the replica set
    assertThat(batches.streams()).isEqualTo(1);
    assertThat(batches.ask(b, change(2)).toCompletableFuture().get(10, TimeUnit.SECONDS).stored()).isTrue();

    // c back (as a new incarnation, say): its next change opens a stream again
    assertThat(batches.ask(c, change(2)).toCompletableFuture().get(10, TimeUnit.SECONDS).stored()).isTrue();
    assertThat(batches.streams()).isEqualTo(2);
  }

  @Test
  void changesAlreadyQueuedForAClosedStreamStillGoAndAreAnswered() throws Exception {
    ChangeBatches batches = new ChangeBatches(kit.system(), Duration.ofSeconds(5), 1, 100, new SimpleMeterRegistry());
    var c = new ReplicaSet.ReplicaNode("c@host", replica("c@host"), true);
    List<java.util.concurrent.CompletableFuture<Replica.Reply>> answers = new java.util.ArrayList<>();
    for (int v = 1; v <= 50; v++) answers.add(batches.ask(c, change(v)).toCompletableFuture());

    batches.keepOnly(Set.of());

    for (var answer : answers) assertThat(answer.get(10, TimeUnit.SECONDS).stored()).isTrue();
    assertThat(batches.streams()).isZero();
  }
}
