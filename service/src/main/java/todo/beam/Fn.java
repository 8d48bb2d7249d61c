package todo.beam;

import java.io.Serializable;

/** What {@link Rpc} calls on a node: a function of no arguments, serializable like {@link Task}. */
@FunctionalInterface
public interface Fn<T> extends Serializable {
  T call() throws Exception;
}
