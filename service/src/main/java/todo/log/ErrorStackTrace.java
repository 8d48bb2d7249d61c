package todo.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %errorStackTrace} in logback.xml: an exception's stack trace on an ERROR line, and
 * nothing on any other. An ERROR is a fault nobody expected (a bug, a failed request), whose
 * trace is what its reader needs; a WARN or INFO with an exception is a fault the code
 * expects (a node down, a full disk), whose message already says it in one line.
 */
public final class ErrorStackTrace extends ThrowableProxyConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return event.getLevel().isGreaterOrEqual(Level.ERROR) ? super.convert(event) : "";
  }
}
