package todo.beam;

import todo.CborSerializable;

/**
 * A user value on its way to another node: Java-serialized bytes, with the bytecode of the
 * shell snippets it needs inside (the receiver may never have seen them; see {@link Payloads}).
 */
public record Payload(byte[] bytes) implements CborSerializable {}
