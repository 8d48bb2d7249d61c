package todo.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import todo.faults.Checker.Copy;
import todo.faults.Checker.ListCopy;
import todo.faults.Checker.Row;
import todo.faults.Checker.Verdict;
import todo.faults.Op.Kind;
import todo.faults.Op.Outcome;

/** The checker must be able to fail: each kind of anomaly, fed to it, is counted; allowed outcomes are not. */
class CheckerTest {

  private final List<Op> history = new ArrayList<>();

  private void op(Kind kind, long id, String title, boolean completed, Outcome outcome) {
    history.add(new Op(history.size() + 1, 1, kind, "l0", id, title, completed, "n1", 0, 0, outcome,
        outcome == Outcome.ACK ? 200 : -1, ""));
  }

  private static Row row(long id, String title, boolean completed) {
    return new Row(id, title, completed, Clients.DATE);
  }

  private static Copy store(String node, long version, Row... rows) {
    return new Copy(node, true, Map.of("l0", new ListCopy(version, List.of(rows))));
  }

  private Verdict check(Copy... copies) {
    return Checker.check(history, List.of(copies));
  }

  @Test
  void anAcknowledgedAddAndUpdateThatAreThereAreClean() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.UPDATE, 1, "c1-1.u1", true, Outcome.ACK);
    Verdict v = check(store("n1", 2, row(1, "c1-1.u1", true)), store("n2", 2, row(1, "c1-1.u1", true)));
    assertThat(v.clean()).as(v.all().toString()).isTrue();
  }

  @Test
  void anAcknowledgedAddMissingFromOneStoreIsLost() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    Verdict v = check(store("n1", 1, row(1, "c1-1", false)), store("n2", 1));
    assertThat(v.lost()).hasSize(1);
    assertThat(v.lost().get(0).detail()).contains("n2");
  }

  @Test
  void anAcknowledgedAddEntryOfTheBookIsFoundByItsTitleAndLostWithoutIt() {
    op(Kind.ADD, -1, "c1-1", false, Outcome.ACK); // POST /add_entry: answered OK, no id
    op(Kind.ADD, -1, "c1-2", false, Outcome.ACK);
    op(Kind.ADD, -1, "c1-3", false, Outcome.REFUSED);
    op(Kind.READ, -1, null, false, Outcome.ACK);
    Verdict v = check(http("n1", row(7, "c1-1", false), row(8, "c1-2", false)), http("n2", row(7, "c1-1", false)));
    assertThat(v.lost()).singleElement().satisfies(a -> assertThat(a.toString()).contains("c1-2", "via n2"));
    assertThat(v.duplicated()).isEmpty();
  }

  private static Copy http(String node, Row... rows) {
    return new Copy("HTTP via " + node, false, Map.of("l0", new ListCopy(-1, List.of(rows))));
  }

  @Test
  void aStoreBehindTheOthersIsDivergentNotLost() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.ADD, 2, "c1-2", false, Outcome.ACK);
    Verdict v = check(store("n1", 2, row(1, "c1-1", false), row(2, "c1-2", false)), store("n2", 1, row(1, "c1-1", false)));
    assertThat(v.lost()).isEmpty();
    assertThat(v.divergent()).hasSize(1);
    assertThat(v.notes()).anyMatch(n -> n.contains("n2 is behind"));
  }

  @Test
  void anEntryMissingFromEveryStoreIsLostEvenWhenTheyAgree() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.ADD, 2, "c1-2", false, Outcome.ACK);
    Verdict v = check(store("n1", 2, row(1, "c1-1", false)), store("n2", 2, row(1, "c1-1", false)));
    assertThat(v.lost()).hasSize(1);
    assertThat(v.divergent()).isEmpty();
  }

  @Test
  void anAcknowledgedUpdateOverwrittenByTheOldValueIsLost() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.UPDATE, 1, "c1-1.u1", true, Outcome.ACK);
    assertThat(check(store("n1", 2, row(1, "c1-1", false))).lost()).hasSize(1);
  }

  @Test
  void anEarlierUnknownUpdateMayNotSupersedeALaterAcknowledgedOne() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.UPDATE, 1, "c1-1.u1", true, Outcome.UNKNOWN);
    op(Kind.UPDATE, 1, "c1-1.u2", false, Outcome.ACK);
    assertThat(check(store("n1", 3, row(1, "c1-1.u1", true))).lost()).hasSize(1);
  }

  @Test
  void aLaterUnacknowledgedUpdateMaySupersedeAnAcknowledgedOne() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.UPDATE, 1, "c1-1.u1", true, Outcome.ACK);
    op(Kind.UPDATE, 1, "c1-1.u2", false, Outcome.REFUSED);
    op(Kind.UPDATE, 1, "c1-1.u3", true, Outcome.UNKNOWN);
    assertThat(check(store("n1", 3, row(1, "c1-1.u1", true))).clean()).isTrue();
    assertThat(check(store("n1", 3, row(1, "c1-1.u2", false))).clean()).isTrue();
    assertThat(check(store("n1", 3, row(1, "c1-1.u3", true))).clean()).isTrue();
  }

  @Test
  void anEntryWhoseDeleteMayHaveHappenedMayBeMissing() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.DELETE, 1, null, false, Outcome.UNKNOWN);
    assertThat(check(store("n1", 2)).clean()).isTrue();
    assertThat(check(store("n1", 2, row(1, "c1-1", false))).clean()).isTrue();
  }

  @Test
  void anAcknowledgedDeleteThatComesBackIsResurrected() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.DELETE, 1, null, false, Outcome.ACK);
    Verdict v = check(store("n1", 2), store("n2", 2, row(1, "c1-1", false)));
    assertThat(v.resurrected()).hasSize(1);
    assertThat(v.resurrected().get(0).detail()).contains("n2");
    Verdict throughHttp = check(store("n1", 2), new Copy("HTTP via n1", false, Map.of("l0", new ListCopy(-1, List.of(row(1, "c1-1", false))))));
    assertThat(throughHttp.resurrected()).hasSize(1);
  }

  @Test
  void aTitleOnTwoRowsIsDuplicated() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.ADD, -1, "c1-2", false, Outcome.UNKNOWN);
    assertThat(check(store("n1", 3, row(1, "c1-1", false), row(2, "c1-2", false))).clean()).isTrue();
    assertThat(check(store("n1", 3, row(1, "c1-1", false), row(2, "c1-2", false), row(3, "c1-2", false))).duplicated())
        .hasSize(1);
  }

  @Test
  void aHttpAnswerIsCheckedButNotComparedForDivergence() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    Verdict v = check(store("n1", 1, row(1, "c1-1", false)),
        new Copy("HTTP via n1", false, Map.of("l0", new ListCopy(-1, List.of()))));
    assertThat(v.lost()).hasSize(1);
    assertThat(v.divergent()).isEmpty();
  }

  @Test
  void storesAtDifferentVersionsOrWithDifferentRowsAreDivergent() {
    op(Kind.ADD, 1, "c1-1", false, Outcome.ACK);
    op(Kind.ADD, 2, "c1-2", false, Outcome.ACK);
    Row one = row(1, "c1-1", false);
    Row two = row(2, "c1-2", false);
    assertThat(check(store("n1", 2, one, two), store("n2", 2, one, two)).divergent()).isEmpty();
    assertThat(check(store("n1", 2, one, two), store("n2", 3, one, two)).divergent()).hasSize(1);
    Verdict sameVersionOtherRows = check(store("n1", 2, one, two), store("n2", 2, one, two, row(3, "stranger", true)));
    assertThat(sameVersionOtherRows.divergent()).hasSize(1);
    assertThat(sameVersionOtherRows.divergent().get(0).detail()).contains("stranger");
    assertThat(sameVersionOtherRows.notes()).anyMatch(n -> n.contains("written by no request"));
    assertThat(check(store("n1", 2, one, two), new Copy("n2", true, Map.of())).divergent()).hasSize(1);
  }
}
