package todo.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import todo.db.Database;
import todo.list.TodoList;
import todo.store.StoreException;

/**
 * {@code GET /api/lists}: the lists this node's file holds, a page at a time, by name. Every
 * node stores every list, so any node answers for the cluster (a node that was away answers
 * once it has caught up).
 */
final class ListsRoutes extends Routes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  private final Database database;
  private final Executor executor;

  ListsRoutes(Database database, Executor executor) {
    this.database = database;
    this.executor = executor;
  }

  Route route() {
    Route lists = template("/api/lists", concat(
        // curl 'http://localhost:5454/api/lists?limit=2'              -> {"lists":["alice","bob"],"next":"bob"}
        // curl 'http://localhost:5454/api/lists?after=bob&q=ALI'      (names after bob containing "ali", any case)
        answer(HttpMethods.GET, request -> page(Input.query(request))),
        complete(Responses.notAllowed("/api/lists answers GET", HttpMethods.GET))));
    Route atTheEnd = pathEndOrSingleSlash(() -> lists);
    return pathPrefix(PathMatchers.segment("api").slash("lists"), () -> atTheEnd);
  }

  /**
   * Up to {@code limit} names after {@code after}; {@code next} is the last of them when the
   * page is full and more may follow (one more is read to know), else null.
   */
  private CompletionStage<HttpResponse> page(Map<String, String> params) {
    String after = params.containsKey("after") ? after(params.get("after")) : "";
    int limit = limit(params.get("limit"));
    String q = params.get("q");
    String containing = q == null || q.isEmpty() ? null : q;
    return database.listNames(after, limit + 1, containing).handleAsync((names, failure) -> {
      if (failure != null) return unreadable(failure);
      boolean more = names.size() > limit;
      List<String> page = more ? names.subList(0, limit) : names;
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("lists", page);
      body.put("next", more ? page.get(page.size() - 1) : null);
      return Responses.json(StatusCodes.OK, body);
    }, executor);
  }

  /** A store that cannot be read (a failing disk) is a 503 with its reason, as a list's read is. */
  private static HttpResponse unreadable(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof StoreException) return Responses.unavailable(cause.getMessage());
    return Responses.error(cause);
  }

  private static String after(String name) {
    String problem = TodoList.nameProblem(name);
    if (problem != null) throw new BadRequest("after must be a list name: " + problem);
    return name;
  }

  private static int limit(String text) {
    if (text == null) return DEFAULT_LIMIT;
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) return limit;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + Input.printable(text) + "'");
  }
}
