package todo.node;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The HTTP side of a node's settings (application.conf, under {@code todo}), read once at
 * start; where HTTP listens is in {@link NodeSettings}.
 *
 * @param headerTimeout a connection must send a whole request head this soon after it opened or was last answered
 * @param askTimeout how long a request waits for a list's server before it is answered 503
 * @param askAttempt a request to a list's server that gets no answer in this time is sent again
 * @param accessLog one line per request to the logger {@code todo.access} ({@code todo.http.access-log}, {@code TODO_ACCESS_LOG})
 * @param drainQuiet a stopping node unbinds HTTP once no request has come for this long ({@code todo.http-drain.quiet})
 * @param drainMax ... or once it has drained this long ({@code todo.http-drain.max})
 */
public record WebSettings(Duration headerTimeout, Duration askTimeout, Duration askAttempt, boolean accessLog,
                          Duration drainQuiet, Duration drainMax) {

  /** From the {@code todo} section of the configuration. */
  public static WebSettings from(Config todo) {
    boolean accessLog;
    try {
      accessLog = todo.getBoolean("http.access-log");
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new BadSettings("TODO_ACCESS_LOG (todo.http.access-log) must be on or off, not '"
          + todo.getValue("http.access-log").unwrapped() + "'");
    }
    return new WebSettings(todo.getDuration("http-header-timeout"), todo.getDuration("ask-timeout"),
        todo.getDuration("ask-attempt"), accessLog, todo.getDuration("http-drain.quiet"), todo.getDuration("http-drain.max"));
  }
}
