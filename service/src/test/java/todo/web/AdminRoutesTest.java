package todo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import todo.node.AdminCredential;
import todo.store.StoreReader;

/** The admin routes behind the cluster's credential, and the backup route, on a real node over real HTTP. */
class AdminRoutesTest {

  @RegisterExtension static final OneNode node = new OneNode("admin");

  private static final String ADMIN = AdminCredential.header("test-cookie"); // the tests' nodes' cookie
  private static final List<String[]> ROUTES = List.of(
      new String[] {"POST", "/api/cluster/connect?node=ghost@localhost"},
      new String[] {"POST", "/api/cluster/forget?node=ghost@localhost"},
      new String[] {"GET", "/api/admin/backup"});

  @TempDir Path dir;

  @Test
  void everyAdminRouteAnswers401WithoutTheCredentialOrWithAWrongOne() {
    for (String[] route : ROUTES) {
      for (String[] headers : List.of(new String[0],
          new String[] {"Authorization", AdminCredential.header("not-the-cookie")},
          new String[] {"Authorization", "Bearer test-cookie"},
          new String[] {"Authorization", "Basic " + AdminCredential.of("test-cookie")})) {
        HttpResponse<String> r = node.web().send(route[0], route[1], HttpRequest.BodyPublishers.noBody(), headers);
        String what = route[0] + " " + route[1] + " with " + String.join(": ", headers);

        assertThat(r.statusCode()).as(what).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).as(what).hasValue("Bearer realm=\"todo-cluster\"");
        assertThat(r.body()).as(what).doesNotContain("\n").contains("admin credential").contains("Authorization: Bearer");
      }
    }
  }

  @Test
  void withTheCredentialTheyWork() {
    HttpResponse<String> forget = node.web().send("POST", "/api/cluster/forget?node=ghost@localhost",
        HttpRequest.BodyPublishers.noBody(), "Authorization", ADMIN);

    assertThat(forget.statusCode()).as(forget.body()).isEqualTo(200);
  }

  @Test
  void theBooksRoutesNeedNoCredential() {
    assertThat(node.web().post("/add_entry?list=open&date=2018-12-19&title=Dentist").body()).isEqualTo("OK");
    assertThat(node.web().get("/entries?list=open&date=2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void twoBackupsAtOnceEachHoldEveryWriteAndLeaveNoCopyBehind() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(node.web().post("/add_entry?list=kept&date=2018-12-19&title=entry-" + i).body()).isEqualTo("OK");
    }
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<Path>>> backups = Stream.of("a.db", "b.db").map(name -> client.sendAsync(
        HttpRequest.newBuilder(URI.create(node.web().base() + "/api/admin/backup")).header("Authorization", ADMIN).build(),
        HttpResponse.BodyHandlers.ofFile(dir.resolve(name)))).toList();

    for (CompletableFuture<HttpResponse<Path>> backup : backups) {
      HttpResponse<Path> r = backup.get();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/vnd.sqlite3");
      assertThat(r.headers().firstValue("Content-Disposition").orElse("")).matches("attachment; filename=\"?admin@localhost-\\d{8}T\\d{6}\\.db\"?");
      try (StoreReader copy = StoreReader.open(r.body())) {
        assertThat(copy.entries("kept")).hasSize(20);
        assertThat(copy.contents().lists()).isGreaterThanOrEqualTo(1);
      }
    }
    Path dataFolder = node.system().database().file().getParent();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (Stream<Path> files = Files.list(dataFolder)) {
        assertThat(files.map(f -> f.getFileName().toString())).as("the node's data folder").noneMatch(f -> f.startsWith("backup-"));
      }
    });
  }
}
