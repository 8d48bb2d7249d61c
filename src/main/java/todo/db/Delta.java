package todo.db;

import java.util.List;
import todo.CborSerializable;
import todo.list.Entry;

/**
 * What a store holds of one list beyond {@code fromVersion}: every row changed since
 * (tombstones included), the list's version and next id. A stale copy that applies it is
 * brought up to {@code toVersion} in one step, whatever changes it missed, which is how
 * copies are repaired and caught up.
 */
public record Delta(String list, long fromVersion, long toVersion, long nextId, List<Row> rows,
                    List<Request> requests) implements CborSerializable {

  /** A client request that made the change of {@code version}; {@code entryId} 0 when it made no entry. */
  public record Request(String id, long version, long entryId) implements CborSerializable {}

  /** An entry's row as stored: deleted rows stay as tombstones. */
  public record Row(Entry entry, boolean deleted, long version) implements CborSerializable {}
}
