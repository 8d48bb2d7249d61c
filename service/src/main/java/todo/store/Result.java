package todo.store;

/**
 * What the store did with a change, a delta or a promise ({@code outcome}), and where the
 * list's copy stands after it; {@code promised}: the newest epoch promised for the list;
 * {@code replicaSet}: the version of this store's replica set, when it refused an update
 * made under another ({@link Outcome#OTHER_REPLICA_SET}).
 */
public record Result(Outcome outcome, Position position, long promised, long replicaSet) {

  Result(Outcome outcome, Position position, long promised) {
    this(outcome, position, promised, 0);
  }

  /** True when the copy holds the update now: applied, or applied before. */
  public boolean stored() {
    return outcome == Outcome.APPLIED || outcome == Outcome.ALREADY_APPLIED;
  }
}
