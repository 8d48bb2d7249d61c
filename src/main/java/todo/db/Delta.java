package todo.db;

import java.util.List;
import todo.CborSerializable;
import todo.list.Entry;

/**
 * What a store holds of one list beyond position {@code from}: every row changed since
 * (tombstones included), the list's position, next id and the epochs that began after
 * {@code from}. A copy at {@code from}, or at any position on the way to {@code to}, is
 * brought up to {@code to} in one step, whatever changes it missed: this is how copies are
 * repaired and caught up.
 *
 * <p>A delta {@code from} version 0 is a <em>snapshot</em>: the whole list, which replaces
 * a copy instead of extending it. It is what a copy gets that took changes the sender's
 * history does not have (a divergent copy), or that is older than the tombstones the
 * sender still keeps ({@code compacted}).
 */
public record Delta(String list, Position from, Position to, long nextId, long compacted, List<EpochStart> epochs,
                    List<Row> rows, List<Request> requests) implements CborSerializable {

  /** A client request that made the change of {@code version}; {@code entryId} 0 when it made no entry. */
  public record Request(String id, long version, long entryId) implements CborSerializable {}

  /** An entry's row as stored: deleted rows stay as tombstones. */
  public record Row(Entry entry, boolean deleted, long version) implements CborSerializable {}

  /** Epoch {@code epoch} made the changes from {@code firstVersion} on. */
  public record EpochStart(long epoch, long firstVersion) implements CborSerializable {}

  public boolean isSnapshot() {
    return from.version() == 0;
  }

  /** The position this delta's history passes through at {@code version}, or null when outside it. */
  public Position at(long version) {
    if (version < from.version() || version > to.version()) return null;
    long epoch = from.epoch();
    for (EpochStart e : epochs) if (e.firstVersion() <= version && e.firstVersion() > from.version()) epoch = e.epoch();
    return new Position(version == 0 ? 0 : epoch, version);
  }
}
