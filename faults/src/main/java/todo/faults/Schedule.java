package todo.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import todo.faults.Campaign.Fault;

/**
 * Which fault comes next. Every campaign opens with the same few, so that even the 2-minute
 * one of {@code mvn verify} has them: a stop of every node (the first one with every node
 * started alone), one of kill, pause or partition, and a lone restart of one node.
 * After the opening, faults are drawn at random by {@link #WEIGHTS}: a stop of all is the
 * longest fault (the whole cluster is out for half a minute or more), so it is drawn half
 * as often as the others.
 */
final class Schedule {

  static final Map<Fault, Integer> WEIGHTS = Map.of(Fault.KILL, 2, Fault.PAUSE, 2, Fault.PARTITION, 2, Fault.STOP, 2,
      Fault.STOP_ALL, 1);
  private static final List<Fault> OLDER = List.of(Fault.KILL, Fault.PAUSE, Fault.PARTITION);

  private final Deque<Fault> opening = new ArrayDeque<>();
  private final Random random;

  /** {@code faults}: those asked for (and possible on this network). */
  Schedule(Set<Fault> faults, Random random) {
    this.random = random;
    if (faults.contains(Fault.STOP_ALL)) opening.add(Fault.STOP_ALL);
    List<Fault> older = OLDER.stream().filter(faults::contains).toList();
    if (!older.isEmpty()) opening.add(older.get(random.nextInt(older.size())));
    if (faults.contains(Fault.STOP)) opening.add(Fault.STOP);
  }

  /**
   * The next fault among {@code possible} (those the cluster's state allows now); null
   * when none is, or when the opening's next one is not possible yet (it is waited for).
   */
  Fault next(Set<Fault> possible) {
    if (!opening.isEmpty()) return possible.contains(opening.peek()) ? opening.poll() : null;
    List<Fault> drawn = new ArrayList<>();
    for (Fault f : possible) for (int i = 0; i < WEIGHTS.get(f); i++) drawn.add(f);
    return drawn.isEmpty() ? null : drawn.get(random.nextInt(drawn.size()));
  }
}
