package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.store.Ballot;
import todo.store.Configuration;
import todo.store.Store;
import todo.store.StoreSettings;

/**
 * A node that starts alone from a file whose replica set it shares with a node that is away,
 * and whose store accepted the next set without seeing it chosen (a maintenance stop of the
 * whole cluster can leave it so: the nodes leave together, each changing the set). No next
 * set can be chosen until the others are back, so the list starts at once, read-only, and
 * says why: it does not wait for the set to settle, which a request's time-out would not see.
 */
class ListStartAloneTest {

  @TempDir Path dir;
  private TodoSystem a;

  @AfterEach
  void stop() {
    if (a != null) a.stop();
  }

  @Test
  void aLoneNodeWhoseStoreAcceptedAnUnfinishedSetChangeStartsAListReadOnlyAndSaysWhy() throws Exception {
    Configuration both = new Configuration(2, "maintenance-cluster", List.of("a@localhost", "b@localhost"));
    ActorSystem<Void> setup = ActorSystem.create(Behaviors.empty(), "setup", ConfigFactory.load());
    try {
      Store store = Store.open(setup, "a@localhost", dir,
          StoreSettings.from(setup.settings().config().getConfig("todo.db")), new SimpleMeterRegistry());
      assertThat(store.learnReplicaSet(both)).isTrue();
      Ballot ballot = new Ballot(1, "b@localhost");
      store.promiseReplicaSet(3, ballot);
      assertThat(store.acceptReplicaSet(new Configuration(3, both.cluster(), List.of("a@localhost")), ballot)).isTrue();
    } finally {
      setup.terminate();
      setup.getWhenTerminated().toCompletableFuture().join();
    }

    a = TestNodes.start("a", dir); // alone: b is away
    await().atMost(Duration.ofSeconds(30)).until(() -> a.database().replicaSet().config().equals(both));
    ReplicatedList list = a.database().start("maintenance").toCompletableFuture().join();

    assertThat(list.readOnlyBecause()).hasValueSatisfying(why -> assertThat(why)
        .contains("no answer from b@localhost")
        .contains("this node accepted the next replica set")
        .contains("todo forget"));
    ReplicatedList again = list.startAgain().toCompletableFuture().join(); // a write's recheck: the same answer
    assertThat(again.readOnlyBecause()).hasValueSatisfying(why -> assertThat(why).contains("accepted the next replica set"));
  }
}
