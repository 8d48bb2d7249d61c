package todo;

/**
 * Marks the messages and values that may cross from one node to another.
 * Pekko serializes them as Jackson CBOR (see {@code pekko.actor.serialization-bindings}
 * in application.conf); nothing in the project uses Java serialization.
 */
public interface CborSerializable {}
