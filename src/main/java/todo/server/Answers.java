package todo.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcomes of a list's latest requests, as many as the store remembers
 * ({@code ListTables.REQUESTS_KEPT}), so that a request sent again gets its first outcome
 * and is not applied twice. They are found by the request's name ({@link RequestId}), so
 * that a client's key that comes back with a different request is refused rather than
 * taken for the first one.
 */
final class Answers {

  private static final int KEPT = 1000;

  private record Answer(String request, TodoServer.WriteResult result) {}

  private final Map<String, Answer> byName = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
      return size() > KEPT;
    }
  };

  void put(String request, TodoServer.WriteResult result) {
    byName.put(RequestId.name(request), new Answer(request, result));
  }

  /**
   * The first outcome of {@code request}; {@link TodoServer.Reused} when its name was used for
   * a different request; null when neither is remembered.
   */
  TodoServer.WriteResult of(String request) {
    Answer earlier = byName.get(RequestId.name(request));
    if (earlier == null) return null;
    if (earlier.request().equals(request)) return earlier.result();
    return new TodoServer.Reused(earlier.result() instanceof TodoServer.Written w ? w.version() : 0);
  }
}
