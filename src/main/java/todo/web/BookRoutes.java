package todo.web;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import todo.list.Entry;
import todo.server.TodoCache;
import todo.server.TodoServer;

/** The book's {@code Todo.Web}, exactly: the same routes, parameters and plain-text answers. */
final class BookRoutes extends AllDirectives {

  private final TodoCache cache;
  private final Duration timeout;

  BookRoutes(TodoCache cache, Duration timeout) {
    this.cache = cache;
    this.timeout = timeout;
  }

  Route route() {
    return concat(
        // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist'
        path("add_entry", () -> post(() -> extractRequest(req -> completeWithFuture(
            addEntry(Input.query(req.getUri().rawQueryString().orElse(null))))))),
        // curl 'http://localhost:5454/entries?list=bob&date=2018-12-19'
        path("entries", () -> get(() -> extractRequest(req -> completeWithFuture(
            entries(Input.query(req.getUri().rawQueryString().orElse(null))))))));
  }

  private CompletionStage<HttpResponse> addEntry(Map<String, String> params) {
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    String title = Input.title(Input.required(params, "title"));
    CompletionStage<TodoServer.WriteResult> written = cache.serverProcess(list)
        .ask(replyTo -> new TodoServer.AddEntry(date, title, null, replyTo), timeout);
    return written.handle((result, failure) -> {
      if (failure != null) return Responses.failure(failure, list);
      if (result instanceof TodoServer.Refused refused) return Responses.unavailable(refused.reason());
      return Responses.text(StatusCodes.OK, "OK");
    });
  }

  private CompletionStage<HttpResponse> entries(Map<String, String> params) {
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    CompletionStage<TodoServer.Entries> read = cache.serverProcess(list)
        .ask(replyTo -> new TodoServer.GetEntries(date, replyTo), timeout);
    return read.handle((entries, failure) -> failure != null ? Responses.failure(failure, list)
        : Responses.text(StatusCodes.OK, entries.entries().stream().map(Entry::line).collect(Collectors.joining("\n"))));
  }
}
