package todo.db;

import java.util.concurrent.CompletionException;
import todo.store.StoreException;

/**
 * A change or a server's start refused because the replica set changed since the list's
 * server started: nothing was acknowledged, and the server starts again under the new set
 * (a new epoch, promised by a majority of it) and makes the change there.
 */
public final class ReplicaSetChanged extends StoreException {

  private final boolean storedNowhere;

  /** {@code storedNowhere}: refused before any node stored the change, so making it again cannot make it twice. */
  public ReplicaSetChanged(String message, boolean storedNowhere) {
    super(message);
    this.storedNowhere = storedNowhere;
  }

  public ReplicaSetChanged(String message) {
    this(message, false);
  }

  /** True when {@code failure} is one that no node stored: safe to make again even without a request id. */
  public static boolean storedNowhere(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t instanceof ReplicaSetChanged r && r.storedNowhere;
  }

  /** True when {@code failure} (or what it wraps) is one. */
  public static boolean is(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t instanceof ReplicaSetChanged;
  }
}
