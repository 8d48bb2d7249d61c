package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500));

  @Test
  void eachWaitIsBetweenHalfAndAllOfMinDoubledPerResendUpToMax() {
    long[] ceilings = {25, 50, 100, 200, 400, 500, 500, 500};
    for (int resend = 1; resend <= ceilings.length; resend++) {
      for (int draw = 0; draw < 200; draw++) {
        long ms = backoff.before(resend).toMillis();
        assertThat(ms).as("resend %d", resend).isBetween(ceilings[resend - 1] / 2, ceilings[resend - 1]);
      }
    }
  }

  @Test
  void theWaitsAreSpreadNotOneValue() {
    long distinct = java.util.stream.IntStream.range(0, 100).mapToObj(i -> backoff.before(6)).distinct().count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void aLongRunOfResendsStaysAtMaxWithoutOverflowing() {
    assertThat(backoff.before(10_000)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofDays(1)).before(100)).isLessThanOrEqualTo(Duration.ofDays(1));
  }
}
