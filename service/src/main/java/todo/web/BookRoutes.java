package todo.web;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import todo.list.Entry;
import todo.server.TodoServer;

/** The book's {@code Todo.Web}, exactly: the same routes, parameters and plain-text answers. */
final class BookRoutes extends Routes {

  private final ListServers servers;

  BookRoutes(ListServers servers) {
    this.servers = servers;
  }

  Route route() {
    // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist'
    // curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist&request=7f3c'  (safe to send again)
    Route addEntry = answer(HttpMethods.POST, this::addEntry);
    // curl 'http://localhost:5454/entries?list=bob&date=2018-12-19'
    Route entries = answer(HttpMethods.GET, this::entries);
    return concat(path("add_entry", () -> addEntry), path("entries", () -> entries));
  }

  CompletionStage<HttpResponse> addEntry(HttpRequest request) {
    Map<String, String> params = Input.query(request);
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    String title = Input.title(Input.required(params, "title"));
    String id = ClientKey.requestId("the request parameter", params.get(ClientKey.PARAMETER), "add", date, title, null);
    return servers.write(list, id, (r, replyTo) -> new TodoServer.AddEntry(date, title, null, r, replyTo),
        written -> Responses.text(StatusCodes.OK, "OK"));
  }

  CompletionStage<HttpResponse> entries(HttpRequest request) {
    Map<String, String> params = Input.query(request);
    String list = Input.listName(Input.required(params, "list"));
    LocalDate date = Input.date(Input.required(params, "date"));
    return servers.<TodoServer.Entries>ask(list, replyTo -> new TodoServer.GetEntries(date, replyTo), entries ->
        Responses.text(StatusCodes.OK, entries.entries().stream().map(Entry::line).collect(Collectors.joining("\n"))));
  }
}
