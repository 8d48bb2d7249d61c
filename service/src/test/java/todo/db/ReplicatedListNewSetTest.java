package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.list.Entry;

/** A list started under one replica set, whose set changes before its next change: two real nodes in one JVM. */
class ReplicatedListNewSetTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir Path dir;
  private TodoSystem a;
  private TodoSystem b;

  @AfterEach
  void stop() {
    for (TodoSystem n : new TodoSystem[] {b, a}) if (n != null) n.stop();
  }

  @Test
  void aChangeAfterTheSetChangedStartsTheListAgainUnderTheNewSetWhereItIsMade() {
    a = TestNodes.start("a", dir);
    await().atMost(Duration.ofSeconds(30)).until(() -> a.database().replicaSet().config().known());
    ReplicatedList list = a.database().start("moving").toCompletableFuture().join();
    long startedUnder = a.database().replicaSet().config().version();

    b = TestNodes.startConnected("b", dir, "a@localhost");
    await().atMost(Duration.ofSeconds(30)).until(() -> List.of(a, b).stream()
        .allMatch(n -> n.database().replicaSet().nodes().size() == 2));
    assertThat(a.database().replicaSet().config().version()).isGreaterThan(startedUnder);

    var result = list.store(list.list().add(DAY, "Dentist", null), "r1").toCompletableFuture().join();

    assertThat(result).isInstanceOf(ReplicatedList.StartedAgain.class);
    ReplicatedList fresh = ((ReplicatedList.StartedAgain) result).fresh();
    assertThat(fresh.readOnlyBecause()).isEmpty();
    assertThat(fresh.epoch()).isGreaterThan(list.epoch());
    assertThat(fresh.list().version()).isZero(); // nothing was stored under the old set

    var again = fresh.store(fresh.list().add(DAY, "Dentist", null), "r1").toCompletableFuture().join();
    assertThat(again).isInstanceOf(ReplicatedList.Acknowledged.class);
    for (TodoSystem n : List.of(a, b)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(n.database().get("moving").toCompletableFuture().join().entries())
              .extracting(Entry::title).containsExactly("Dentist"));
    }
  }
}
