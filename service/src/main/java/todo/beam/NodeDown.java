package todo.beam;

import java.io.Serializable;

/** Sent to a process that called {@link Node#monitor}: the node left, crashed or cannot be reached. */
public record NodeDown(String node) implements Serializable {}
