package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The book's session (Elixir in Action, ch. 12), over real HTTP:
 * {@code curl -d '' 'http://localhost:5454/add_entry?list=bob&date=2018-12-19&title=Dentist'}
 * then {@code curl 'http://localhost:5454/entries?list=bob&date=2018-12-19'}.
 * Every test uses a list of its own.
 */
class BookApiTest {

  @RegisterExtension static final OneNode node = new OneNode("web");

  private static HttpResponse<String> addEntry(String list, String date, String title) {
    return node.web().post("/add_entry?list=" + Web.param(list) + "&date=" + date + "&title=" + Web.param(title));
  }

  private static HttpResponse<String> entries(String list, String date) {
    return node.web().get("/entries?list=" + Web.param(list) + "&date=" + date);
  }

  @Test
  void addEntryAnswersOkAsPlainText() {
    HttpResponse<String> response = node.web().post("/add_entry?list=ok-answer&date=2018-12-19&title=Dentist");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Web.contentType(response)).startsWith("text/plain");
    assertThat(response.body()).isEqualTo("OK");
  }

  @Test
  void addEntryThenReadItBack() {
    node.web().post("/add_entry?list=bob&date=2018-12-19&title=Dentist");

    HttpResponse<String> response = node.web().get("/entries?list=bob&date=2018-12-19");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void addEntrySentTwiceWithOneRequestParameterIsStoredOnce() {
    String add = "/add_entry?list=book-key&date=2018-12-19&title=Dentist&request=a1b2c3";

    HttpResponse<String> first = node.web().post(add);
    HttpResponse<String> again = node.web().post(add);

    assertThat(first.statusCode() + " " + first.body()).isEqualTo("200 OK");
    assertThat(again.statusCode() + " " + again.body()).isEqualTo("200 OK");
    assertThat(entries("book-key", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void addEntryWithARequestParameterUsedForAnotherTitleIs422() {
    node.web().post("/add_entry?list=book-key-reused&date=2018-12-19&title=Dentist&request=r-1");

    HttpResponse<String> other = node.web().post("/add_entry?list=book-key-reused&date=2018-12-19&title=Shopping&request=r-1");

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(entries("book-key-reused", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void addEntryWithoutARequestParameterIsANewWriteEachTime() {
    addEntry("book-no-key", "2018-12-19", "Dentist");
    addEntry("book-no-key", "2018-12-19", "Dentist");

    assertThat(entries("book-no-key", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist\n2018-12-19 Dentist");
  }

  @Test
  void entriesAnswersPlainText() {
    addEntry("plain", "2018-12-19", "Dentist");

    assertThat(Web.contentType(entries("plain", "2018-12-19"))).startsWith("text/plain");
  }

  @Test
  void entriesOfOneDateAreJoinedByNewlinesWithoutATrailingOne() {
    addEntry("several", "2018-12-19", "Dentist");
    addEntry("several", "2018-12-19", "Shopping");
    addEntry("several", "2018-12-19", "Movies");

    assertThat(entries("several", "2018-12-19").body())
        .isEqualTo("2018-12-19 Dentist\n2018-12-19 Shopping\n2018-12-19 Movies");
  }

  @Test
  void entriesGivesOnlyTheRequestedDate() {
    addEntry("dates", "2018-12-19", "Dentist");
    addEntry("dates", "2018-12-20", "Shopping");
    addEntry("dates", "2018-12-19", "Movies");

    assertThat(entries("dates", "2018-12-20").body()).isEqualTo("2018-12-20 Shopping");
  }

  @Test
  void aDateWithoutEntriesGivesAnEmptyBody() {
    addEntry("other-day", "2018-12-19", "Dentist");

    HttpResponse<String> response = entries("other-day", "2018-12-20");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aListNeverWrittenGivesAnEmptyBody() {
    HttpResponse<String> response = entries("never-written", "2018-12-19");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void listsAreSeparate() {
    addEntry("mine", "2018-12-19", "Dentist");
    addEntry("yours", "2018-12-19", "Shopping");

    assertThat(entries("mine", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void plusInTheQueryIsASpace() {
    node.web().post("/add_entry?list=plus&date=2018-12-19&title=Buy+milk");

    assertThat(entries("plus", "2018-12-19").body()).isEqualTo("2018-12-19 Buy milk");
  }

  @Test
  void percentEncodedUnicodeTitleReadsBackAsSent() {
    addEntry("unicode-title", "2018-12-19", "Zahnarzt für Bob ✓ 日本 😀");

    assertThat(entries("unicode-title", "2018-12-19").body()).isEqualTo("2018-12-19 Zahnarzt für Bob ✓ 日本 😀");
  }

  @Test
  void percentEncodedUnicodeListNameIsOneList() {
    addEntry("Bob's list ✓", "2018-12-19", "Dentist");

    assertThat(entries("Bob's list ✓", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @Test
  void aPostWithABodyIsStillReadFromTheQuery() {
    HttpResponse<String> response = node.web().send("POST", "/add_entry?list=with-body&date=2018-12-19&title=Dentist",
        BodyPublishers.ofString(""), "Content-Type", "application/x-www-form-urlencoded");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(entries("with-body", "2018-12-19").body()).isEqualTo("2018-12-19 Dentist");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "GET,    /add_entry?list=wrong-method&date=2018-12-19&title=Dentist",
      "POST,   /entries?list=wrong-method&date=2018-12-19",
      "GET,    /nothing",
      "POST,   /nothing",
      "GET,    /assets/nothing.js",
      "DELETE, /entries?list=wrong-method&date=2018-12-19",
      "GET,    /add_entry/more?list=wrong-method&date=2018-12-19&title=Dentist",
      "GET,    /entries/more?list=wrong-method&date=2018-12-19",
  })
  void anyOtherRouteIsNotFound(String method, String target) {
    HttpResponse<String> response = node.web().send(method, target, BodyPublishers.noBody());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("not found");
  }

  @Test
  void getOnAddEntryStoresNothing() {
    node.web().get("/add_entry?list=get-add&date=2018-12-19&title=Dentist");

    assertThat(entries("get-add", "2018-12-19").body()).isEmpty();
  }
}
