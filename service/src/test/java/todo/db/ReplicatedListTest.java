package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.TestNodes;
import todo.TodoSystem;
import todo.list.Entry;
import todo.store.Delta;

/** A list's handle, as its server uses it, on a real node with a real SQLite file. */
class ReplicatedListTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");

  @TempDir static Path dir;
  private static TodoSystem node;

  @BeforeAll
  static void start() {
    node = TestNodes.start("handle", dir);
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static ReplicatedList started(String list) {
    return node.database().start(list).toCompletableFuture().join();
  }

  private static ReplicatedList.Result add(ReplicatedList list, String title, String request) {
    return list.store(list.list().add(DAY, title, null), request).toCompletableFuture().join();
  }

  @Test
  void eachAcknowledgedChangeGivesTheListTheNextIsStoredOn() {
    ReplicatedList list = started("chain");
    assertThat(list.readOnlyBecause()).isEmpty();

    var first = add(list, "Dentist", "r1");
    assertThat(first).isInstanceOf(ReplicatedList.Acknowledged.class);
    ReplicatedList next = ((ReplicatedList.Acknowledged) first).next();
    assertThat(next.list().version()).isEqualTo(1);
    // the second change is made on top of the first one's epoch: a store refuses any other
    assertThat(add(next, "Shopping", "r2")).isInstanceOf(ReplicatedList.Acknowledged.class);

    assertThat(node.database().get("chain").toCompletableFuture().join().entries())
        .extracting(Entry::title).containsExactly("Dentist", "Shopping");
  }

  @Test
  void aStartRemembersTheRequestsThatMadeTheList() {
    ReplicatedList list = started("remembered");
    add(list, "Dentist", "r1");

    assertThat(started("remembered").requests()).extracting(Delta.Request::id).containsExactly("r1");
  }

  @Test
  void aChangedListKeepsNoRequestsOfItsStart() { // its server has them: a second copy for each server's life is heap for nothing
    add(started("kept once"), "Dentist", "r1");
    ReplicatedList list = started("kept once");
    assertThat(list.requests()).hasSize(1);

    var next = (ReplicatedList.Acknowledged) add(list, "Shopping", "r2");
    assertThat(next.next().requests()).isEmpty();
  }

  @Test
  void aListStartedAgainElsewhereRefusesTheOlderHandlesChange() {
    ReplicatedList older = started("taken");
    ReplicatedList newer = started("taken"); // as after a failover that the older server did not see
    assertThat(newer.epoch()).isGreaterThan(older.epoch());

    var refused = add(older, "Lost", "r1");
    assertThat(refused).isInstanceOf(ReplicatedList.NotStored.class);
    assertThat(((ReplicatedList.NotStored) refused).reason()).contains("promised a newer server");
    assertThat(((ReplicatedList.NotStored) refused).readOnly()).isEmpty(); // its server stops

    assertThat(add(newer, "Kept", "r2")).isInstanceOf(ReplicatedList.Acknowledged.class);
    assertThat(node.database().get("taken").toCompletableFuture().join().entries())
        .extracting(Entry::title).containsExactly("Kept");
  }
}
