package todo.store;

/** What storing a change, a delta or a promise did. */
public enum Outcome {
  /** Applied now. */
  APPLIED,
  /** Applied before (this store holds the change, or the delta's last position): storing is idempotent. */
  ALREADY_APPLIED,
  /** Not applied: the store lacks the versions between its own and this one. */
  GAP,
  /**
   * Not applied: this copy took a change the sender's history lacks (a change stored on
   * a minority whose server then failed). The sender answers with a snapshot.
   */
  DIVERGED,
  /** Not applied: this store promised a newer server of the list ({@code promised}). */
  STALE,
  /** Not applied: a snapshot older than this copy, which stays. */
  NEWER_HERE,
  /**
   * Not applied: made under another version of the replica set than this store's (or the
   * next version is being chosen). The sender's server starts again under the new one.
   */
  OTHER_REPLICA_SET
}
