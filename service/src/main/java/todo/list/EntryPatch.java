package todo.list;

import java.time.LocalDate;
import todo.CborSerializable;

/** A partial update of an entry: the fields that are not null replace the entry's. */
public record EntryPatch(LocalDate date, String title, Boolean completed, Long order)
    implements CborSerializable {

  Entry applyTo(Entry e) {
    return new Entry(
        e.id(),
        date != null ? date : e.date(),
        title != null ? title : e.title(),
        completed != null ? completed : e.completed(),
        order != null ? order : e.order());
  }
}
