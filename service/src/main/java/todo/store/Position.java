package todo.store;

import todo.CborSerializable;

/**
 * How far a copy of a list has come: its version, and the epoch of the server that made
 * the change of that version. Every server of a list works in an epoch of its own, higher
 * than any before it (it takes one as it starts), so two copies at the same position
 * hold the same changes, and of two copies the one at the higher position holds every
 * change that was ever acknowledged to a client by the other (the argument is Raft's and
 * Paxos's: docs/ARCHITECTURE.md, "Epochs").
 */
public record Position(long epoch, long version) implements Comparable<Position>, CborSerializable {

  public static final Position NONE = new Position(0, 0);

  @Override
  public int compareTo(Position o) {
    int byEpoch = Long.compare(epoch, o.epoch);
    return byEpoch != 0 ? byEpoch : Long.compare(version, o.version);
  }

  public boolean isAfter(Position o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return version + "/e" + epoch;
  }
}
