package todo.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.db.Database;
import todo.store.Backup;

/**
 * A backup of this node's file over HTTP, for {@code todo backup}: the store copies its file
 * ({@link Backup}), the copy is streamed from disk, and removed once sent (or once the
 * client went away). Behind the admin credential: the file is every list of the cluster.
 */
final class BackupRoutes extends Routes {

  private static final Logger log = LoggerFactory.getLogger(BackupRoutes.class);
  /** SQLite's registered media type. */
  private static final ContentType SQLITE = ContentTypes.create(MediaTypes.applicationBinary("vnd.sqlite3", false));
  /**
   * The copy is made before the answer starts, which takes minutes for a file of gigabytes on
   * a slow disk; the node's request-timeout (20 s) is for requests that wait on lists' servers.
   */
  private static final Duration COPY_TIMEOUT = Duration.ofHours(1);

  private final Database database;
  private final String node;
  private final AdminGate gate;
  private final Executor executor;

  BackupRoutes(Database database, String node, AdminGate gate, Executor executor) {
    this.database = database;
    this.node = node;
    this.gate = gate;
    this.executor = executor;
  }

  Route route() {
    // curl -H "Authorization: Bearer $TODO_ADMIN" -OJ http://localhost:5454/api/admin/backup
    Route copied = withRequestTimeout(COPY_TIMEOUT, () -> handle(request -> backup()));
    Route guarded = gate.guard(copied);
    Route backup = template("/api/admin/backup", method(HttpMethods.GET, () -> guarded));
    return path(PathMatchers.segment("api").slash("admin").slash("backup"), () -> backup);
  }

  private CompletionStage<HttpResponse> backup() {
    long started = System.nanoTime();
    return database.backup().thenApplyAsync(copy -> {
      log.info("Backup of {} taken: {} bytes in {} ms, being sent.", node, copy.bytes(), (System.nanoTime() - started) / 1_000_000);
      var bytes = FileIO.fromPath(copy.file()).watchTermination((io, sent) -> {
        sent.whenCompleteAsync((done, failure) -> database.discard(copy), executor);
        return io;
      });
      return HttpResponse.create()
          .withEntity(HttpEntities.create(SQLITE, copy.bytes(), bytes))
          .addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
              Map.of("filename", Backup.fileName(node, Instant.now()))));
    }, executor).exceptionally(failure -> {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      log.warn("Backup of {} failed: {}", node, cause.getMessage());
      return Responses.unavailable(cause.getMessage());
    });
  }
}
