package todo.beam;

import java.io.Serializable;

/** Sent to a process that called {@link Node#monitor}: the node is (again) a reachable member. */
public record NodeUp(String node) implements Serializable {}
