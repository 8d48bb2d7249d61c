package todo.list;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;

/**
 * A to-do list: pure and immutable, like the book's {@code Todo.List}. Every edit returns
 * a new list together with the {@link Change} that leads to it, so the server that owns
 * the list can store exactly that change and nothing more.
 *
 * <p>Entries live in a persistent sorted map (Scala's, already on the classpath through
 * Pekko), so an edit costs O(log n) instead of copying the list.
 */
public final class TodoList {

  /** The longest list name, in characters. */
  public static final int MAX_NAME = 200;

  private static final Ordering<Long> BY_ID =
      Ordering.comparatorToOrdering(Comparator.<Long>naturalOrder());
  private static final TreeMap<Long, Entry> NO_ENTRIES = scala.collection.immutable.TreeMap$.MODULE$.empty(BY_ID);

  private final String name;
  private final long version;
  private final long nextId;
  private final TreeMap<Long, Entry> entries;

  private TodoList(String name, long version, long nextId, TreeMap<Long, Entry> entries) {
    this.name = name;
    this.version = version;
    this.nextId = nextId;
    this.entries = entries;
  }

  public static TodoList empty(String name) {
    return new TodoList(name, 0, 1, NO_ENTRIES);
  }

  /** A list as a store holds it: its version, the next id to give, its live entries. */
  public static TodoList restore(String name, long version, long nextId, Collection<Entry> live) {
    TreeMap<Long, Entry> map = NO_ENTRIES;
    for (Entry e : live) map = map.updated(e.id(), e);
    return new TodoList(name, version, nextId, map);
  }

  /** Why {@code name} cannot name a list, or null when it can. */
  public static String nameProblem(String name) {
    if (name == null || name.isBlank()) return "list name is empty";
    return textProblem("list name", name, MAX_NAME);
  }

  /** What keeps {@code text} from being stored and read back exactly, or null. */
  static String textProblem(String what, String text, int maxChars) {
    if (text.codePointCount(0, text.length()) > maxChars) return what + " is over " + maxChars + " characters";
    if (text.codePoints().anyMatch(Character::isISOControl)) return what + " contains control characters";
    if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      return what + " contains an unpaired surrogate (not Unicode text)";
    }
    return null;
  }

  /** A list after an edit, and the change that made it. */
  public record Edit(TodoList list, Change change) {}

  public Edit add(LocalDate date, String title, Long order) {
    long id = nextId;
    Entry entry = new Entry(id, date, title, false, order != null ? order : id);
    return edit(new Change.Put(name, version + 1, entry));
  }

  /** The edit, or empty when the list has no entry {@code id}. */
  public Optional<Edit> update(long id, EntryPatch patch) {
    return entry(id).map(e -> edit(new Change.Put(name, version + 1, patch.applyTo(e))));
  }

  /** The edit, or empty when the list has no entry {@code id}. */
  public Optional<Edit> delete(long id) {
    return entry(id).map(e -> edit(new Change.Remove(name, version + 1, id)));
  }

  public Edit clear() {
    return edit(new Change.Clear(name, version + 1));
  }

  private Edit edit(Change change) {
    return new Edit(apply(change), change);
  }

  /** This list with {@code change} applied; the change must be the next version. */
  public TodoList apply(Change change) {
    if (change.version() != version + 1 || !change.list().equals(name)) {
      throw new IllegalArgumentException(
          "change " + change.list() + "@" + change.version() + " does not follow " + name + "@" + version);
    }
    long v = change.version();
    if (change instanceof Change.Put put) {
      long id = put.entry().id();
      return new TodoList(name, v, Math.max(nextId, id + 1), entries.updated(id, put.entry()));
    } else if (change instanceof Change.Remove remove) {
      return new TodoList(name, v, nextId, entries.removed(remove.id()));
    } else {
      return new TodoList(name, v, nextId, NO_ENTRIES);
    }
  }

  public String name() {
    return name;
  }

  /** How many changes the list has seen; 0 for a list never written. */
  public long version() {
    return version;
  }

  public long nextId() {
    return nextId;
  }

  public int size() {
    return entries.size();
  }

  public Optional<Entry> entry(long id) {
    scala.Option<Entry> found = entries.get(id);
    return found.isDefined() ? Optional.of(found.get()) : Optional.empty();
  }

  /** All entries, by id. */
  public List<Entry> entries() {
    List<Entry> all = new ArrayList<>(entries.size());
    entries.valuesIterator().foreach(all::add);
    return all;
  }

  /** The entries of one date, by id, as the book's {@code Todo.List.entries/2}. */
  public List<Entry> entries(LocalDate date) {
    List<Entry> onDate = new ArrayList<>();
    entries.valuesIterator().foreach(e -> e.date().equals(date) ? onDate.add(e) : false);
    return onDate;
  }

  @Override
  public String toString() {
    return "TodoList[" + name + "@" + version + ", " + size() + " entries]";
  }
}
