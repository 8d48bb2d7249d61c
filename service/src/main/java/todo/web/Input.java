package todo.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import todo.list.Entry;
import todo.list.TodoList;

/**
 * Turns what a request carries into domain values, or a {@link BadRequest} with one line
 * saying why. Every route goes through here before anything reaches a list's server, so
 * bad input never causes a write.
 */
final class Input {

  private static final long MAX_BODY = 64 * 1024; // as pekko.http.server.parsing.max-content-length

  private Input() {}

  /**
   * Refuses, before any route, a request whose path's percent-encoding is not UTF-8, or whose
   * declared body is over 64 KiB (the book's routes never read theirs; bodies the JSON routes
   * read are also limited while streaming). Pekko decodes paths leniently (bad bytes become
   * U+FFFD), which would quietly rename a list; the raw request line
   * (pekko.http.server.raw-request-uri-header) still has the bytes the client sent.
   */
  static void acceptable(HttpRequest request) {
    request.getHeader("Raw-Request-URI").ifPresent(header -> {
      String uri = header.value();
      int end = uri.indexOf('?');
      String path = end < 0 ? uri : uri.substring(0, end);
      if (path.indexOf('%') >= 0) decode(path.replace("+", "%2B")); // without a '%' every byte stands for itself
    });
    if (request.entity().getContentLengthOption().orElse(0L) > MAX_BODY) throw new BadRequest("the body is over 64 KiB");
  }

  /** The parameters of the request's query. */
  static Map<String, String> query(HttpRequest request) {
    return query(request.getUri().rawQueryString().orElse(null));
  }

  /**
   * The parameters of a raw (still percent-encoded) query string. Decoding is strict:
   * bytes that are not UTF-8 are refused rather than turned into replacement characters.
   */
  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) return params;
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(key, value);
    }
    return params;
  }

  /** Percent-decodes {@code s} (and '+' as space) into a string, refusing invalid UTF-8. */
  static String decode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw new BadRequest("malformed percent-encoding in the URL");
        }
        bytes.write(Integer.parseInt(s, i + 1, i + 3, 16));
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return utf8(bytes.toByteArray());
  }

  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequest("the request is not valid UTF-8");
    }
  }

  static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null) throw new BadRequest("missing parameter: " + name);
    if (value.isEmpty()) throw new BadRequest("empty parameter: " + name);
    return value;
  }

  static String listName(String name) {
    String problem = TodoList.nameProblem(name);
    if (problem != null) throw new BadRequest(problem);
    return name;
  }

  static String title(String title) {
    String problem = Entry.titleProblem(title);
    if (problem != null) throw new BadRequest(problem);
    return title;
  }

  private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  static LocalDate date(String text) {
    try {
      if (!DATE.matcher(text).matches()) throw new DateTimeParseException("not YYYY-MM-DD", text, 0);
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadRequest("date must be a real day written YYYY-MM-DD, not '" + printable(text) + "'");
    }
  }

  static long entryId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadRequest("an entry id is a positive whole number, not '" + printable(text) + "'");
  }

  /** {@code s} cut short and stripped of control characters, safe to echo in a one-line reason. */
  static String printable(String s) {
    String clean = s.codePoints().filter(c -> !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }
}
