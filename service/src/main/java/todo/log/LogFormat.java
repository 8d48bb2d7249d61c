package todo.log;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * The log's format, {@code text} (the default) or {@code json}, from {@code TODO_LOG_FORMAT}:
 * logback.xml sends every line to the appender of that name. Read by Logback as it reads its
 * configuration, before any setting of the node; another value is said on stderr and read as
 * {@code text}, as a node without its log would be worse than one in the wrong format.
 */
public final class LogFormat extends PropertyDefinerBase {

  static final String VARIABLE = "TODO_LOG_FORMAT";

  @Override
  public String getPropertyValue() {
    return of(System.getenv(VARIABLE));
  }

  static String of(String value) {
    if (value == null || value.isBlank()) return "text";
    String format = value.trim().toLowerCase(Locale.ROOT);
    if (format.equals("text") || format.equals("json")) return format;
    System.err.println("todo: " + VARIABLE + " is text or json, not '" + value + "': logging as text");
    return "text";
  }
}
