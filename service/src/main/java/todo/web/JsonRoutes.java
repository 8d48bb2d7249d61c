package todo.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import java.util.function.Function;
import todo.db.Database;
import todo.list.Entry;
import todo.list.EntryPatch;
import org.apache.pekko.actor.typed.ActorRef;
import todo.server.TodoServer;

/**
 * The JSON API, after the Todo-Backend conventions (todobackend.com): a list's entries
 * live at {@code /api/lists/{list}/entries}, each entry at its {@code url}.
 */
final class JsonRoutes extends Routes {

  private static final String KEY = "the " + ClientKey.HEADER + " header";

  private final ListServers servers;
  private final Database database;
  private final Materializer materializer;

  JsonRoutes(ListServers servers, Database database, Materializer materializer) {
    this.servers = servers;
    this.database = database;
    this.materializer = materializer;
  }

  Route route() {
    Route entries = template("/api/lists/{list}/entries", concat(
        // curl http://localhost:5454/api/lists/bob/entries
        answer(HttpMethods.GET, request -> all(list(request), request.getUri())),
        // curl -H 'Content-Type: application/json' -d '{"title":"Dentist","date":"2018-12-19"}' http://localhost:5454/api/lists/bob/entries
        // (any write takes -H 'Idempotency-Key: 7f3c', and is then safe to send again, to any node)
        answer(HttpMethods.POST, request -> withBody(request, body -> add(list(request), body, request.getUri(), key(request)))),
        // curl -X DELETE http://localhost:5454/api/lists/bob/entries
        answer(HttpMethods.DELETE, request -> clear(list(request), key(request))),
        complete(Responses.notAllowed("a list's entries answer GET, POST and DELETE", HttpMethods.GET, HttpMethods.POST, HttpMethods.DELETE))));
    Route entry = template("/api/lists/{list}/entries/{id}", concat(
        // curl http://localhost:5454/api/lists/bob/entries/1
        answer(HttpMethods.GET, request -> one(list(request), id(request), request.getUri())),
        // curl -X PATCH -H 'Content-Type: application/json' -d '{"completed":true}' http://localhost:5454/api/lists/bob/entries/1
        answer(HttpMethods.PATCH, request -> withBody(request, body -> update(list(request), id(request), body, request.getUri(), key(request)))),
        // curl -X DELETE http://localhost:5454/api/lists/bob/entries/1
        answer(HttpMethods.DELETE, request -> remove(list(request), id(request), key(request))),
        complete(Responses.notAllowed("an entry answers GET, PATCH and DELETE", HttpMethods.GET, HttpMethods.PATCH, HttpMethods.DELETE))));
    // curl http://localhost:5454/api/lists/bob
    Route describe = template("/api/lists/{list}", answer(HttpMethods.GET, request -> describe(list(request))));
    Route entriesOrEntry = concat(
        pathEndOrSingleSlash(() -> entries),
        path(PathMatchers.segment(), id -> {
          Input.entryId(id); // a bad id is a 400 whatever the method
          return entry;
        }));
    Route inList = concat(pathEnd(() -> describe), pathPrefix("entries", () -> entriesOrEntry));
    return pathPrefix(PathMatchers.segment("api").slash("lists").slash(PathMatchers.segment()), list -> {
      Input.listName(list); // a bad name is a 400 on every path under it
      return inList;
    });
  }

  /** The list a request under /api/lists/{list} names: its path's third segment, decoded, as the route matched it. */
  private static String list(HttpRequest request) {
    return segment(request, 2);
  }

  /** The entry a request to /api/lists/{list}/entries/{id} names. */
  private static long id(HttpRequest request) {
    return Input.entryId(segment(request, 4));
  }

  private static String segment(HttpRequest request, int index) {
    java.util.Iterator<String> segments = request.getUri().pathSegments().iterator();
    for (int i = 0; i < index; i++) segments.next();
    return segments.next();
  }

  /**
   * Reads the whole body (at most pekko.http.server.parsing.max-content-length, 64 KiB)
   * and answers with {@code handler}; an oversized or unreadable body is a 400.
   */
  private CompletionStage<HttpResponse> withBody(HttpRequest request, Function<byte[], CompletionStage<HttpResponse>> handler) {
    String list = list(request);
    return request.entity().toStrict(servers.timeout().toMillis(), materializer)
        .thenComposeAsync(strict -> handler.apply(strict.getData().toArray()), servers.executor())
        .exceptionallyAsync(failure -> Responses.failure(failure, list), servers.executor());
  }

  /** The write's {@code Idempotency-Key}, null when it has none (checked by {@link ClientKey}). */
  private static String key(HttpRequest request) {
    return request.getHeader(ClientKey.HEADER).map(HttpHeader::value).orElse(null);
  }

  private CompletionStage<HttpResponse> describe(String list) {
    return database.positions(list).thenComposeAsync(positions ->
        servers.<TodoServer.Description>ask(list, TodoServer.Describe::new, d -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("name", d.list());
          body.put("node", d.node());
          body.put("version", d.version());
          body.put("size", d.size());
          body.put("writable", d.staleBecause() == null);
          if (d.staleBecause() != null) body.put("stale", d.staleBecause());
          // the epoch its server serves in; 0 for a list never written (its server took an epoch, and wrote nothing in it)
          body.put("epoch", d.version() == 0 ? 0 : d.epoch());
          Map<String, Long> versions = new LinkedHashMap<>(); // each node's stored version; null: no answer
          positions.forEach((node, p) -> versions.put(node, p == null ? null : p.version()));
          body.put("replicas", versions);
          return Responses.json(StatusCodes.OK, body);
        }), servers.executor());
  }

  private CompletionStage<HttpResponse> all(String list, Uri uri) {
    return servers.entries(list, null,
        entries -> Responses.json(StatusCodes.OK, entries.stream().map(e -> json(e, list, uri)).toList()));
  }

  private CompletionStage<HttpResponse> one(String list, long id, Uri uri) {
    return servers.<TodoServer.Entries>ask(list, replyTo -> new TodoServer.GetEntry(id, replyTo), entries ->
        entries.entries().isEmpty() ? notFound(list, id) : Responses.json(StatusCodes.OK, json(entries.entries().get(0), list, uri)));
  }

  private CompletionStage<HttpResponse> add(String list, byte[] body, Uri uri, String key) {
    JsonNode json = object(body);
    String title = json.has("title") ? Input.title(text(json, "title")) : null;
    if (title == null) throw new BadRequest("missing field: title");
    LocalDate given = json.has("date") ? Input.date(text(json, "date")) : null;
    LocalDate date = given != null ? given : LocalDate.now();
    Long order = json.has("order") ? number(json, "order") : null;
    String request = ClientKey.requestId(KEY, key, "add", given, title, order); // sent again tomorrow, still the same write
    return write(list, request, (r, replyTo) -> new TodoServer.AddEntry(date, title, order, r, replyTo), uri, true);
  }

  private CompletionStage<HttpResponse> update(String list, long id, byte[] body, Uri uri, String key) {
    JsonNode json = object(body);
    EntryPatch patch = new EntryPatch(
        json.has("date") ? Input.date(text(json, "date")) : null,
        json.has("title") ? Input.title(text(json, "title")) : null,
        json.has("completed") ? bool(json, "completed") : null,
        json.has("order") ? number(json, "order") : null);
    if (patch.equals(new EntryPatch(null, null, null, null))) {
      throw new BadRequest("nothing to change: give title, date, completed or order");
    }
    String request = ClientKey.requestId(KEY, key, "update", id, patch.date(), patch.title(), patch.completed(), patch.order());
    return write(list, request, (r, replyTo) -> new TodoServer.UpdateEntry(id, patch, r, replyTo), uri, false);
  }

  private CompletionStage<HttpResponse> remove(String list, long id, String key) {
    String request = ClientKey.requestId(KEY, key, "delete", id);
    return write(list, request, (r, replyTo) -> new TodoServer.DeleteEntry(id, r, replyTo), null, false);
  }

  private CompletionStage<HttpResponse> clear(String list, String key) {
    return write(list, ClientKey.requestId(KEY, key, "clear"), TodoServer.ClearEntries::new, null, false);
  }

  private CompletionStage<HttpResponse> write(
      String list, String request,
      java.util.function.BiFunction<String, ActorRef<TodoServer.WriteResult>, TodoServer.Command> command,
      Uri uri, boolean created) {
    return servers.write(list, request, command, written -> {
      if (written.entry() == null) return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
      Map<String, Object> body = json(written.entry(), list, uri);
      HttpResponse response = Responses.json(created ? StatusCodes.CREATED : StatusCodes.OK, body);
      return created ? response.addHeader(Location.create((String) body.get("url"))) : response;
    });
  }

  private static HttpResponse notFound(String list, long id) {
    return Responses.text(StatusCodes.NOT_FOUND, "list " + list + " has no entry " + id);
  }

  /** An entry as Todo-Backend clients read it, with the absolute url they follow. */
  private static Map<String, Object> json(Entry e, String list, Uri uri) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", e.id());
    body.put("date", e.date().toString());
    body.put("title", e.title());
    body.put("completed", e.completed());
    body.put("order", e.order());
    body.put("url", base(uri) + "/api/lists/" + URLEncoder.encode(list, StandardCharsets.UTF_8).replace("+", "%20") + "/entries/" + e.id());
    return body;
  }

  /** {@code scheme://host[:port]} of the request (from its Host header), as clients reach us. */
  private static String base(Uri uri) {
    String host = uri.host().address();
    if (host.contains(":")) host = "[" + host + "]"; // an IPv6 literal
    boolean defaultPort = uri.port() == 0 || uri.port() == (uri.scheme().equals("https") ? 443 : 80);
    return uri.scheme() + "://" + host + (defaultPort ? "" : ":" + uri.port());
  }

  private static JsonNode object(byte[] body) {
    JsonNode json;
    String text = Input.utf8(body); // strictly: Jackson's own decoding lets some invalid UTF-8 through
    try {
      json = Responses.JSON.readTree(text);
    } catch (IOException e) {
      throw new BadRequest("malformed JSON: " + firstLine(e.getMessage()));
    }
    if (json == null || !json.isObject()) throw new BadRequest("the body must be a JSON object");
    return json;
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (!v.isTextual()) throw new BadRequest(field + " must be a string");
    return v.asText();
  }

  private static boolean bool(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (!v.isBoolean()) throw new BadRequest(field + " must be true or false");
    return v.asBoolean();
  }

  private static long number(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new BadRequest(field + " must be a whole number");
    return v.asLong();
  }

  private static String firstLine(String message) {
    String line = message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
    return Input.printable(line.replaceAll(" at \\[Source.*", ""));
  }
}
