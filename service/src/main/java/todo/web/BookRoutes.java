package todo.web;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import todo.list.Entry;
import todo.server.TodoServer;

/**
 * The book's {@code Todo.Web}, exactly: the same routes, parameters and plain-text answers.
 * They carry the load, so {@link HotRoutes} calls them without the route tree.
 */
final class BookRoutes {

  private final ListServers servers;

  BookRoutes(ListServers servers) {
    this.servers = servers;
  }

  /** {@code POST /add_entry?list=bob&date=2018-12-19&title=Dentist[&request=7f3c]}: {@code OK} once stored. */
  CompletionStage<HttpResponse> addEntry(HttpRequest request) {
    Map<String, String> params = Input.query(request);
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    String title = Input.title(Input.required(params, "title"));
    String id = ClientKey.requestId("the request parameter", params.get(ClientKey.PARAMETER), "add", date, title, null);
    return servers.write(list, id, (r, replyTo) -> new TodoServer.AddEntry(date, title, null, r, replyTo),
        written -> Responses.text(StatusCodes.OK, "OK"));
  }

  /** {@code GET /entries?list=bob&date=2018-12-19}: one line per entry of that date. */
  CompletionStage<HttpResponse> entries(HttpRequest request) {
    Map<String, String> params = Input.query(request);
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    return servers.entries(list, date, entries ->
        Responses.text(StatusCodes.OK, entries.stream().map(Entry::line).collect(Collectors.joining("\n"))));
  }
}
