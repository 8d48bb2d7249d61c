package todo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where a stage that Pekko returns (an ask, {@code Patterns.after}, a stream's result) is taken
 * in. Those stages are Scala futures converted for Java: their plain {@code thenApply},
 * {@code handle}, {@code whenComplete} and the like run on the JDK's default executor, which
 * on a machine of fewer than three cores starts a new thread for every task. {@link #on}
 * turns one into a plain {@link CompletableFuture} completed on a Pekko dispatcher, so any
 * callback chained on it runs there (or at once, when it has completed), never on a new thread.
 */
public final class Stages {

  private Stages() {}

  /** {@code pekko}'s outcome, on a plain future completed on {@code executor} (a Pekko dispatcher). */
  public static <T> CompletableFuture<T> on(Executor executor, CompletionStage<T> pekko) {
    CompletableFuture<T> taken = new CompletableFuture<>();
    pekko.whenCompleteAsync((value, failure) -> {
      if (failure == null) taken.complete(value);
      else taken.completeExceptionally(failure);
    }, executor);
    return taken;
  }
}
