package todo.beam;

import java.io.Serializable;

/**
 * Sent to a process that lost its global name because another process held the same name
 * when the registry was rebuilt (see {@link Global}): {@code keeper} keeps it.
 */
public record GlobalNameConflict(String name, Pid keeper) implements Serializable {}
