package todo.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import todo.list.Change;
import todo.list.Entry;
import todo.list.TodoList;

/**
 * The rules by which one list's copy in this file takes a change, a delta or a promise,
 * and what it gives a copy elsewhere: they keep every copy on one history (see
 * {@link Position}), never going back. Each runs on the connection the caller holds, in
 * its transaction; {@link ListTables} knows the SQL.
 */
final class ListCopy {

  /** Tombstones are dropped in steps of this many versions, not on every change. */
  static final long COMPACTION_STEP = 100;

  private ListCopy() {}

  /** Applies {@code update} (a {@link Stamped} change, a {@link Pulled} delta or a {@link Promise}) on the writer. */
  static Result apply(Connection writer, Object update, Acceptor replicaSet) throws SQLException {
    if (update instanceof Stamped stamped) return applyChange(writer, stamped, replicaSet);
    if (update instanceof Pulled pulled) return applyDelta(writer, pulled.delta(), pulled.authority());
    if (update instanceof Promise promise) return promise(writer, promise, replicaSet);
    if (update instanceof PulledPage page) return applyPage(writer, page);
    throw new IllegalArgumentException("cannot store " + update.getClass().getSimpleName());
  }

  private static Result promise(Connection writer, Promise p, Acceptor replicaSet) throws SQLException {
    ListTables.Head h = ListTables.head(writer, p.list());
    if (p.replicaSet() != 0 && !replicaSet.admits(p.replicaSet())) return otherReplicaSet(h, replicaSet);
    boolean granted = p.epoch() > h.promised() || (p.epoch() == h.promised() && p.node().equals(h.promisedBy()));
    if (!granted) return new Result(Outcome.STALE, h.position(), h.promised());
    if (p.epoch() != h.promised()) ListTables.saveHead(writer, p.list(), new ListTables.Head(h.position(), h.nextId(), p.epoch(), p.node(), h.compacted()));
    return new Result(Outcome.APPLIED, h.position(), p.epoch());
  }

  private static Result applyChange(Connection writer, Stamped stamped, Acceptor replicaSet) throws SQLException {
    Change change = stamped.change();
    String list = change.list();
    ListTables.Head h = ListTables.head(writer, list);
    Position at = h.position();
    if (stamped.replicaSet() != 0 && !replicaSet.admits(stamped.replicaSet())) return otherReplicaSet(h, replicaSet);
    if (stamped.epoch() < h.promised()) return new Result(Outcome.STALE, at, h.promised());
    if (change.version() <= at.version()) {
      boolean same = ListTables.epochAt(writer, list, change.version()) == stamped.epoch();
      return new Result(same ? Outcome.ALREADY_APPLIED : Outcome.DIVERGED, at, h.promised());
    }
    if (change.version() > at.version() + 1) return new Result(Outcome.GAP, at, h.promised());
    if (at.epoch() != stamped.previousEpoch()) return new Result(Outcome.DIVERGED, at, h.promised());

    long nextId = Math.max(h.nextId(), ListTables.write(writer, change));
    if (stamped.epoch() != at.epoch()) ListTables.saveEpochStart(writer, list, new Delta.EpochStart(stamped.epoch(), change.version()));
    long compacted = h.compacted();
    if (stamped.compactThrough() >= compacted + COMPACTION_STEP) compacted = ListTables.compact(writer, list, stamped.compactThrough());
    Position now = stamped.position();
    long promised = Math.max(h.promised(), stamped.epoch());
    ListTables.saveHead(writer, list, new ListTables.Head(now, nextId, promised, promised == h.promised() ? h.promisedBy() : null, compacted));
    if (change.request() != null) {
      long entryId = change instanceof Change.Put put ? put.entry().id() : 0;
      ListTables.rememberRequest(writer, list, new Delta.Request(change.request(), change.version(), entryId));
    }
    return new Result(Outcome.APPLIED, now, promised);
  }

  /**
   * Brings this copy to {@code delta.to()}. A delta extends a copy that is on its history;
   * a snapshot replaces a copy that is not, if the snapshot is further on (see
   * {@link Position}); a copy before the delta's start is told GAP, one off its history
   * DIVERGED.
   */
  private static Result applyDelta(Connection writer, Delta delta, long authority) throws SQLException {
    String list = delta.list();
    ListTables.Head h = ListTables.head(writer, list);
    Position at = h.position();
    if (authority >= 0 && authority < h.promised()) return new Result(Outcome.STALE, at, h.promised());
    long promised = Math.max(h.promised(), authority);
    String promisedBy = promised == h.promised() ? h.promisedBy() : null;
    if (at.version() >= delta.to().version() && ListTables.epochAt(writer, list, delta.to().version()) == delta.to().epoch()) {
      return new Result(Outcome.ALREADY_APPLIED, at, h.promised());
    }
    boolean onHistory = at.equals(delta.at(at.version()));
    if (delta.isSnapshot() && (onHistory || delta.to().isAfter(at))) {
      ListTables.replace(writer, delta);
      ListTables.saveHead(writer, list, new ListTables.Head(delta.to(), delta.nextId(), promised, promisedBy, delta.compacted()));
      return new Result(Outcome.APPLIED, delta.to(), promised);
    }
    if (delta.isSnapshot()) return new Result(Outcome.NEWER_HERE, at, h.promised());
    if (!onHistory) return new Result(at.version() < delta.from().version() ? Outcome.GAP : Outcome.DIVERGED, at, h.promised());

    try (PreparedStatement s = writer.prepareStatement(
        "INSERT INTO entries (list, id, date, title, completed, ord, deleted, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (list, id) DO UPDATE SET date = excluded.date, title = excluded.title, "
            + "completed = excluded.completed, ord = excluded.ord, deleted = excluded.deleted, version = excluded.version "
            + "WHERE excluded.version > entries.version")) {
      ListTables.insertRows(s, list, delta.rows());
    }
    for (Delta.EpochStart e : delta.epochs()) if (e.firstVersion() > at.version()) ListTables.saveEpochStart(writer, list, e);
    ListTables.rememberRequests(writer, list, delta.requests().stream().filter(r -> r.version() > at.version()).toList());
    ListTables.saveHead(writer, list, new ListTables.Head(delta.to(), Math.max(h.nextId(), delta.nextId()), promised, promisedBy, h.compacted()));
    return new Result(Outcome.APPLIED, delta.to(), promised);
  }

  /** Each delta of {@code page} as a pulled one, in order; the page keeps their results. */
  private static Result applyPage(Connection writer, PulledPage page) throws SQLException {
    List<Result> results = new java.util.ArrayList<>(page.deltas().size());
    for (Delta d : page.deltas()) results.add(applyDelta(writer, d, -1));
    return page.applied(results);
  }

  /**
   * A change or a promise made under another replica set than this store's: refused, with
   * this store's version, so that no change counted against an old set's majority is
   * stored once the next set may have been chosen.
   */
  private static Result otherReplicaSet(ListTables.Head h, Acceptor replicaSet) {
    return new Result(Outcome.OTHER_REPLICA_SET, h.position(), h.promised(), replicaSet.chosen().version());
  }

  /**
   * What a copy at {@code since} lacks: a delta when {@code since} is on this copy's history
   * and no tombstone after it was dropped, else a snapshot.
   */
  static Delta delta(Connection c, String list, Position since) throws SQLException {
    ListTables.Head h = ListTables.head(c, list);
    boolean extend = since.version() > 0 && since.version() <= h.position().version()
        && since.version() >= h.compacted() && ListTables.epochAt(c, list, since.version()) == since.epoch();
    Position from = extend ? since : Position.NONE;
    List<Delta.Row> rows = ListTables.rowsSince(c, list, from.version());
    List<Delta.EpochStart> epochs = ListTables.epochsSince(c, list, from.version());
    return new Delta(list, from, h.position(), h.nextId(), h.compacted(), epochs, rows,
        ListTables.requestsSince(c, list, from.version(), ListTables.REQUESTS_KEPT));
  }

  /** The list as this copy holds it; an empty list at version 0 when this file never saw it. */
  static TodoList load(Connection c, String name) throws SQLException {
    ListTables.Head h = ListTables.head(c, name);
    if (h.position().version() == 0) return TodoList.empty(name);
    List<Entry> live = ListTables.live(c, name);
    return TodoList.restore(name, h.position().version(), h.nextId(), live);
  }
}
