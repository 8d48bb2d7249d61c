package todo.list;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import todo.CborSerializable;

/**
 * One change to one list, numbered by the list's version. The list's server makes
 * changes one at a time, so version {@code n} follows {@code n - 1}; every store applies
 * them in that order and at most once (see {@code todo.store.ListCopy}).
 *
 * <p>A change names the rows it touches, never the whole list, so storing it costs the
 * same for a list of 10 entries or of 10,000.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Change.Put.class, name = "put"),
  @JsonSubTypes.Type(value = Change.Remove.class, name = "remove"),
  @JsonSubTypes.Type(value = Change.Clear.class, name = "clear")
})
public sealed interface Change extends CborSerializable {
  String list();

  long version();

  /**
   * The id of the client request that made this change, or null. Stores remember the
   * recent ones, so a request sent again (after a time-out, a hand-off, a failover) is
   * answered with its first outcome instead of being applied twice.
   */
  String request();

  /** This change, made for client request {@code request}. */
  Change forRequest(String request);

  /** Adds an entry, or replaces the entry with the same id. */
  record Put(String list, long version, Entry entry, String request) implements Change {
    public Put(String list, long version, Entry entry) {
      this(list, version, entry, null);
    }

    @Override
    public Change forRequest(String id) {
      return new Put(list, version, entry, id);
    }
  }

  /** Deletes one entry; its id is never given again. */
  record Remove(String list, long version, long id, String request) implements Change {
    public Remove(String list, long version, long id) {
      this(list, version, id, null);
    }

    @Override
    public Change forRequest(String requestId) {
      return new Remove(list, version, id, requestId);
    }
  }

  /** Deletes every entry of the list. */
  record Clear(String list, long version, String request) implements Change {
    public Clear(String list, long version) {
      this(list, version, null);
    }

    @Override
    public Change forRequest(String id) {
      return new Clear(list, version, id);
    }
  }
}
