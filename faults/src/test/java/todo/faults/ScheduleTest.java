package todo.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import todo.faults.Campaign.Fault;

/** Every campaign, however short, opens with a stop of all, an older fault and a stop of one; then draws among what is possible. */
class ScheduleTest {

  private static final Set<Fault> ALL = EnumSet.allOf(Fault.class);

  @Test
  void theOpeningIsAStopOfAllThenAnOlderFaultThenAStop() {
    Schedule schedule = new Schedule(ALL, new Random(1));
    assertThat(schedule.next(ALL)).isEqualTo(Fault.STOP_ALL);
    assertThat(schedule.next(ALL)).isIn(Fault.KILL, Fault.PAUSE, Fault.PARTITION);
    assertThat(schedule.next(ALL)).isEqualTo(Fault.STOP);
  }

  @Test
  void anOpeningFaultThatIsNotPossibleYetIsWaitedFor() {
    Schedule schedule = new Schedule(ALL, new Random(1));
    Set<Fault> nodeImpaired = EnumSet.complementOf(EnumSet.of(Fault.STOP_ALL));
    assertThat(schedule.next(nodeImpaired)).isNull();
    assertThat(schedule.next(ALL)).isEqualTo(Fault.STOP_ALL);
  }

  @Test
  void theOpeningHasOnlyTheFaultsAskedFor() {
    Set<Fault> asked = EnumSet.of(Fault.KILL, Fault.STOP);
    Schedule schedule = new Schedule(asked, new Random(1));
    assertThat(schedule.next(asked)).isEqualTo(Fault.KILL);
    assertThat(schedule.next(asked)).isEqualTo(Fault.STOP);
  }

  @Test
  void afterTheOpeningEveryPossibleFaultIsDrawnAndNoOther() {
    Schedule schedule = new Schedule(ALL, new Random(7));
    for (int i = 0; i < 3; i++) schedule.next(ALL);
    Set<Fault> possible = EnumSet.of(Fault.KILL, Fault.STOP, Fault.STOP_ALL);
    Set<Fault> drawn = new HashSet<>();
    for (int i = 0; i < 200; i++) drawn.add(schedule.next(possible));
    assertThat(drawn).isEqualTo(possible);
  }
}
