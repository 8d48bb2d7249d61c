package todo.store;

import todo.CborSerializable;
import todo.list.Change;

/**
 * A change as its server sends it to the stores: made in {@code epoch}, on top of the
 * server's copy whose latest change was made in {@code previousEpoch}. A store applies it
 * only on top of that same copy (its version is the change's minus one, made in the same
 * epoch), which is how a copy that took a different change somewhere is found out.
 * {@code compactThrough}: every replica holds the list up to this version, so tombstones
 * up to it may go. {@code replicaSet}: the version of the replica set the server's epoch
 * was promised under; a store whose replica set is another refuses it (0: not checked, for
 * tests and a node's own first changes).
 */
public record Stamped(Change change, long epoch, long previousEpoch, long compactThrough, long replicaSet)
    implements CborSerializable {

  public Stamped(Change change, long epoch, long previousEpoch, long compactThrough) {
    this(change, epoch, previousEpoch, compactThrough, 0);
  }

  /** A change of the first epoch, as tests and the first server of a list make it. */
  public static Stamped first(Change change) {
    return new Stamped(change, 0, 0, 0);
  }

  public String list() {
    return change.list();
  }

  public long version() {
    return change.version();
  }

  public Position position() {
    return new Position(epoch, change.version());
  }
}
