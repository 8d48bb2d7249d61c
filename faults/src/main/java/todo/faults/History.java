package todo.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Every request of a campaign, in the order their outcomes became known. Thread-safe. */
final class History {

  private final List<Op> ops = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong();
  private final long startNanos;

  History(long startNanos) {
    this.startNanos = startNanos;
  }

  long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  long nextSeq() {
    return seq.incrementAndGet();
  }

  synchronized void add(Op op) {
    ops.add(op);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }
}
