package todo.store;

/**
 * A delta to apply. {@code authority}: the epoch of the server that sends it (a stale
 * server is refused), or -1 when this node pulled it itself (catch-up, server start).
 */
record Pulled(Delta delta, long authority) {}
