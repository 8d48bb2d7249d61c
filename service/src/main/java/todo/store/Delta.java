package todo.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import todo.CborSerializable;
import todo.list.Entry;
import todo.Stages;

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
                    List<Row> rows, List<Request> requests, SourceRef<Rows> moreRows) implements CborSerializable {

  /**
   * Rows beyond this many follow in a stream, in chunks of as many (see {@link #toSend} and
   * {@link #received}): 40 rows of the longest titles (4 KB each) and a delta's 1,000
   * request ids stay within Artery's 256 KiB frame.
   */
  static final int ROWS_PER_MESSAGE = 40;

  public Delta(String list, Position from, Position to, long nextId, long compacted, List<EpochStart> epochs,
               List<Row> rows, List<Request> requests) {
    this(list, from, to, nextId, compacted, epochs, rows, requests, null);
  }

  /** Some of a delta's rows, as they travel in its stream. */
  public record Rows(List<Row> rows) implements CborSerializable {}

  /**
   * This delta as it goes to another node: a big one's rows move to a stream (Pekko's
   * {@link SourceRef}, chunked and back-pressured), so no message outgrows Artery's frame.
   */
  public Delta toSend(ActorSystem<?> system) {
    if (rows.size() <= ROWS_PER_MESSAGE) return this;
    SourceRef<Rows> stream = Source.from(rows).grouped(ROWS_PER_MESSAGE).map(Rows::new)
        .runWith(StreamRefs.sourceRef(), system);
    return new Delta(list, from, to, nextId, compacted, epochs, List.of(), requests, stream);
  }

  /** This delta with every row at hand, once its stream (if any) has been read. */
  public CompletionStage<Delta> received(ActorSystem<?> system) {
    if (moreRows == null) return CompletableFuture.completedFuture(this);
    return Stages.on(system.executionContext(), moreRows.getSource().runWith(Sink.seq(), system)).thenApply(chunks -> {
      List<Row> all = new ArrayList<>(rows);
      for (Rows chunk : chunks) all.addAll(chunk.rows());
      return new Delta(list, from, to, nextId, compacted, epochs, all, requests, null);
    });
  }

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
