package todo.beam;

import java.io.Serializable;

/**
 * What {@link Node#spawn} runs: the body of a process. Serializable, so that a lambda typed
 * where a Task is expected can travel to another node with what it captured.
 */
@FunctionalInterface
public interface Task extends Runnable, Serializable {}
