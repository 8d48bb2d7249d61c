package todo.db;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How far apart the attempts to send one change to one replica start: {@code min} before
 * the first resend, doubling with each, never more than {@code max}, with "equal jitter"
 * (a random time between half of that and all of it).
 *
 * <p>The jitter spreads the resends of changes that were refused together (a replica's
 * queue filling up refuses a burst at once), so they do not come back as one burst. Equal
 * rather than full jitter: the half that is not random keeps a floor under each wait, so a
 * change is sent a bounded number of times before its deadline, however the dice fall.
 */
record Backoff(Duration min, Duration max) {

  /** The wait between the start of attempt {@code resend - 1} and of attempt {@code resend} (1: the first resend). */
  Duration before(int resend) {
    long ceiling = max.toNanos();
    int doublings = resend - 1;
    if (doublings < 62 && min.toNanos() <= ceiling >> doublings) ceiling = min.toNanos() << doublings;
    long half = ceiling / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }
}
