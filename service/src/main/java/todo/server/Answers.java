package todo.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import todo.store.Delta;
import todo.db.ReplicatedList;

/**
 * The outcomes of a list's latest requests, as many as the store remembers
 * ({@code ListTables.REQUESTS_KEPT}), so that a request sent again gets its first outcome
 * and is not applied twice. They are found by the request's name ({@link RequestId}), so
 * that a client's key that comes back with a different request is refused rather than
 * taken for the first one.
 *
 * <p>The map is made at the first write the server gets: until then it keeps only the list
 * it started from, whose requests are its memory. A server that only serves reads (most of
 * them, on a node with many lists) holds no map and no answer objects.
 */
final class Answers {

  private static final int KEPT = 1000;

  private record Answer(String request, TodoServer.WriteResult result) {}

  private Map<String, Answer> byName; // null until a write needs it
  private ReplicatedList notYetRemembered; // a start whose requests are not in byName yet

  /**
   * The requests that made the list as it started, answered as they were: oldest first, so
   * that the newest are the last to be forgotten.
   */
  void remember(ReplicatedList started) {
    if (byName == null && notYetRemembered == null) {
      notYetRemembered = started;
    } else {
      add(started);
    }
  }

  /** The map of answers, with the requests of the start not yet in it. */
  private Map<String, Answer> byName() {
    if (byName == null) {
      byName = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
          return size() > KEPT;
        }
      };
    }
    if (notYetRemembered != null) {
      ReplicatedList started = notYetRemembered;
      notYetRemembered = null;
      add(started);
    }
    return byName;
  }

  private void add(ReplicatedList started) {
    List<Delta.Request> requests = new ArrayList<>(started.requests());
    Collections.reverse(requests);
    for (Delta.Request r : requests) {
      put(r.id(), new TodoServer.Written(r.entryId() > 0 ? started.list().entry(r.entryId()).orElse(null) : null, r.version()));
    }
  }

  void put(String request, TodoServer.WriteResult result) {
    byName().put(RequestId.name(request), new Answer(request, result));
  }

  /**
   * The first outcome of {@code request}; {@link TodoServer.Reused} when its name was used for
   * a different request; null when neither is remembered, or {@code request} is null (unnamed).
   */
  TodoServer.WriteResult of(String request) {
    if (request == null) return null;
    Answer earlier = byName().get(RequestId.name(request));
    if (earlier == null) return null;
    if (earlier.request().equals(request)) return earlier.result();
    return new TodoServer.Reused(earlier.result() instanceof TodoServer.Written w ? w.version() : 0);
  }
}
