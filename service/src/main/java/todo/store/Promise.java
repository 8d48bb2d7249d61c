package todo.store;

/**
 * A new server of {@code list} in {@code epoch}, on {@code node}, asks this store to take
 * no change of an older epoch from now on. Granted when the epoch is higher than any
 * promised before (or is the same server asking again). {@code replicaSet}: the version of
 * the replica set it is made under (0: not checked, for tests).
 */
record Promise(String list, long epoch, String node, long replicaSet) {

  /** Unchecked against the replica set (tests). */
  Promise(String list, long epoch, String node) {
    this(list, epoch, node, 0);
  }
}
