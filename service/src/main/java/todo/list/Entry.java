package todo.list;

import java.time.LocalDate;
import todo.CborSerializable;

/**
 * One to-do entry. Ids are given by the list (1, 2, 3...) and never reused;
 * {@code order} is the Todo-Backend ordering hint, the id unless a client sets one.
 */
public record Entry(long id, LocalDate date, String title, boolean completed, long order)
    implements CborSerializable {

  /** The longest title a list accepts, in characters. */
  public static final int MAX_TITLE = 1000;

  /** The book's text form: {@code 2018-12-19 Dentist}. */
  public String line() {
    return date + " " + title;
  }

  /** Why {@code title} cannot be an entry's title, or null when it can. */
  public static String titleProblem(String title) {
    if (title == null || title.isBlank()) return "title is empty";
    return TodoList.textProblem("title", title, MAX_TITLE);
  }
}
