package todo.store;

import java.util.List;

/**
 * Deltas this node pulled (catch-up), applied in one write as {@link Pulled} ones are, in
 * order. The writer leaves each delta's result here ({@link #applied}); what it returns for
 * the page as a whole only says whether any copy changed.
 */
final class PulledPage {

  private final List<Delta> deltas;
  private volatile List<Result> results = List.of(); // written by the writer before its commit completes the page

  PulledPage(List<Delta> deltas) {
    this.deltas = List.copyOf(deltas);
  }

  List<Delta> deltas() {
    return deltas;
  }

  /** Keeps {@code each} (one per delta) and returns the page's result: applied when any delta was. */
  Result applied(List<Result> each) {
    results = List.copyOf(each);
    boolean any = each.stream().anyMatch(r -> r.outcome() == Outcome.APPLIED);
    return new Result(any ? Outcome.APPLIED : Outcome.ALREADY_APPLIED, Position.NONE, 0);
  }

  /** Each delta's result, in order, once the write completed. */
  List<Result> results() {
    return results;
  }
}
