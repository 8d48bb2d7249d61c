package todo.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TodoListTest {

  private static final LocalDate DEC_19 = LocalDate.parse("2018-12-19");
  private static final LocalDate DEC_20 = LocalDate.parse("2018-12-20");

  private static TodoList bobWith(String... titles) {
    TodoList list = TodoList.empty("bob");
    for (String t : titles) list = list.add(DEC_19, t, null).list();
    return list;
  }

  @Test
  void newListIsEmptyAtVersionZero() {
    TodoList list = TodoList.empty("bob");
    assertThat(list.size()).isZero();
    assertThat(list.version()).isZero();
    assertThat(list.entries()).isEmpty();
  }

  @Test
  void addGivesIdsOneTwoThree() {
    TodoList list = bobWith("Dentist", "Shopping", "Movies");
    assertThat(list.entries()).extracting(Entry::id).containsExactly(1L, 2L, 3L);
    assertThat(list.size()).isEqualTo(3);
  }

  @Test
  void everyEditAdvancesTheVersionByOne() {
    TodoList list = bobWith("Dentist");
    TodoList.Edit edit = list.update(1, new EntryPatch(null, null, true, null)).orElseThrow();
    assertThat(edit.change().version()).isEqualTo(2);
    assertThat(edit.list().version()).isEqualTo(2);
    assertThat(edit.list().delete(1).orElseThrow().list().version()).isEqualTo(3);
  }

  @Test
  void addLeavesTheOriginalUntouched() {
    TodoList before = bobWith("Dentist");
    TodoList after = before.add(DEC_19, "Shopping", null).list();
    assertThat(before.size()).isEqualTo(1);
    assertThat(after.size()).isEqualTo(2);
  }

  @Test
  void entriesOfADateAreOnlyThatDate() {
    TodoList list = bobWith("Dentist").add(DEC_20, "Shopping", null).list();
    assertThat(list.entries(DEC_19)).extracting(Entry::title).containsExactly("Dentist");
    assertThat(list.entries(DEC_20)).extracting(Entry::title).containsExactly("Shopping");
    assertThat(list.entries(LocalDate.parse("2018-12-21"))).isEmpty();
  }

  @Test
  void updateChangesOnlyTheGivenFields() {
    TodoList list = bobWith("Dentist").update(1, new EntryPatch(DEC_20, null, true, 7L)).orElseThrow().list();
    assertThat(list.entry(1)).contains(new Entry(1, DEC_20, "Dentist", true, 7));
  }

  @Test
  void updateOrDeleteOfAMissingEntryIsNoEdit() {
    TodoList list = bobWith("Dentist");
    assertThat(list.update(9, new EntryPatch(null, "x", null, null))).isEmpty();
    assertThat(list.delete(9)).isEmpty();
  }

  @Test
  void deletedIdIsNeverGivenAgain() {
    TodoList list = bobWith("Dentist", "Shopping").delete(2).orElseThrow().list();
    TodoList.Edit added = list.add(DEC_19, "Movies", null);
    assertThat(((Change.Put) added.change()).entry().id()).isEqualTo(3);
  }

  @Test
  void clearEmptiesTheListButKeepsCounting() {
    TodoList cleared = bobWith("Dentist", "Shopping").clear().list();
    assertThat(cleared.size()).isZero();
    assertThat(cleared.add(DEC_19, "Movies", null).list().entries()).extracting(Entry::id).containsExactly(3L);
  }

  @Test
  void orderDefaultsToTheId() {
    TodoList list = bobWith("Dentist").add(DEC_19, "Shopping", 10L).list();
    assertThat(list.entries()).extracting(Entry::order).containsExactly(1L, 10L);
  }

  @Test
  void changesReplayedOnAnEmptyListRebuildIt() {
    TodoList.Edit a = TodoList.empty("bob").add(DEC_19, "Dentist", null);
    TodoList.Edit b = a.list().add(DEC_20, "Shopping", null);
    TodoList.Edit c = b.list().delete(1).orElseThrow();
    TodoList replayed = TodoList.empty("bob").apply(a.change()).apply(b.change()).apply(c.change());
    assertThat(replayed.entries()).isEqualTo(c.list().entries());
    assertThat(replayed.version()).isEqualTo(3);
    assertThat(replayed.nextId()).isEqualTo(3);
  }

  @Test
  void aChangeOutOfOrderIsRefused() {
    Change skipped = new Change.Clear("bob", 5);
    assertThatThrownBy(() -> TodoList.empty("bob").apply(skipped)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restoreKeepsVersionAndNextId() {
    TodoList list = TodoList.restore("bob", 12, 8, java.util.List.of(new Entry(5, DEC_19, "Dentist", false, 5)));
    assertThat(list.version()).isEqualTo(12);
    assertThat(list.add(DEC_19, "Shopping", null).change()).isInstanceOf(Change.Put.class)
        .extracting(c -> ((Change.Put) c).entry().id()).isEqualTo(8L);
  }

  @Test
  void namesAndTitlesAreChecked() {
    assertThat(TodoList.nameProblem("bob")).isNull();
    assertThat(TodoList.nameProblem("")).isNotNull();
    assertThat(TodoList.nameProblem("x".repeat(201))).contains("200");
    assertThat(TodoList.nameProblem("a\nb")).contains("control");
    assertThat(Entry.titleProblem("x".repeat(1000))).isNull();
    assertThat(Entry.titleProblem("x".repeat(1001))).contains("1000");
    assertThat(Entry.titleProblem(" ")).isNotNull();
  }
}
