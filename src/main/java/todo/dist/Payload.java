package todo.dist;

import todo.CborSerializable;

/**
 * A user value on its way to another node: Java-serialized bytes, with the bytecode of the
 * shell's snippet classes it needs (the receiver may never have seen them).
 *
 * @param origin the JVM whose snippets the shipped classes are ({@link SnippetClasses#ORIGIN})
 */
public record Payload(String origin, byte[] bytes) implements CborSerializable {}
