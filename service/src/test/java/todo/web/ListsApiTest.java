package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/lists}: the stored lists by name, a page at a time, searched by part of a
 * name; and the epoch {@code GET /api/lists/{list}} gives. One node, real HTTP; the lists are
 * made once for the class.
 */
class ListsApiTest {

  @RegisterExtension static final OneNode node = new OneNode("lists");

  private static final List<String> NAMES = List.of("alice", "Alicia", "bob", "carol", "dave", "Einkäufe für Bob ✓", "x/y");

  @BeforeAll
  static void storeLists() {
    for (String name : NAMES) {
      HttpResponse<String> r = node.web().postJson("/api/lists/" + Web.segment(name) + "/entries", "{\"title\":\"Dentist\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    node.web().get("/api/lists/described-only"); // starts its server, stores nothing
  }

  private static JsonNode lists(String query) {
    HttpResponse<String> r = node.web().get("/api/lists" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Web.contentType(r)).startsWith("application/json");
    return Web.json(r);
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("lists").forEach(n -> names.add(n.asText()));
    return names;
  }

  @Test
  void givesEveryStoredListInAscendingOrderAndNoNext() {
    JsonNode page = lists("");

    assertThat(names(page)).containsExactlyElementsOf(NAMES.stream().sorted().toList());
    assertThat(page.get("next").isNull()).isTrue();
  }

  @Test
  void aListNeverWrittenIsNotStored() {
    assertThat(names(lists(""))).doesNotContain("described-only");
  }

  @Test
  void pagesFollowNextUntilItIsNull() {
    List<String> seen = new ArrayList<>();
    String query = "?limit=3";
    int pages = 0;
    while (true) {
      JsonNode page = lists(query);
      pages++;
      seen.addAll(names(page));
      if (page.get("next").isNull()) break;
      assertThat(page.get("next").asText()).isEqualTo(seen.get(seen.size() - 1));
      query = "?limit=3&after=" + Web.param(page.get("next").asText());
    }

    assertThat(seen).containsExactlyElementsOf(NAMES.stream().sorted().toList());
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void afterNeedNotBeAStoredList() {
    assertThat(names(lists("?after=c"))).containsExactly("carol", "dave", "x/y");
  }

  @Test
  void aFullLastPageHasNoNext() {
    JsonNode page = lists("?after=bob&limit=3");

    assertThat(names(page)).containsExactly("carol", "dave", "x/y");
    assertThat(page.get("next").isNull()).isTrue();
  }

  @Test
  void qKeepsNamesContainingItInAnyCase() {
    assertThat(names(lists("?q=ALI"))).containsExactly("Alicia", "alice");
    assertThat(names(lists("?q=" + Web.param("FÜR")))).containsExactly("Einkäufe für Bob ✓");
    assertThat(names(lists("?q=" + Web.param("/")))).containsExactly("x/y");
  }

  @Test
  void qPagesToo() {
    JsonNode first = lists("?q=b&limit=1");
    JsonNode second = lists("?q=b&limit=1&after=" + Web.param(first.get("next").asText()));

    assertThat(names(first)).containsExactly("Einkäufe für Bob ✓");
    assertThat(names(second)).containsExactly("bob");
    assertThat(second.get("next").isNull()).isTrue();
  }

  @Test
  void anEmptyQMatchesEveryName() {
    assertThat(names(lists("?q="))).hasSize(NAMES.size());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "?limit=0      | limit must be a whole number from 1 to 1000, not '0'",
      "?limit=1001   | limit must be a whole number from 1 to 1000, not '1001'",
      "?limit=ten    | limit must be a whole number from 1 to 1000, not 'ten'",
      "?limit=       | limit must be a whole number from 1 to 1000, not ''",
      "?after=       | after must be a list name: list name is empty",
      "?after=%01    | after must be a list name: list name contains control characters",
  })
  void badInputIsA400WithOneLine(String query, String reason) {
    HttpResponse<String> r = node.web().get("/api/lists" + query);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo(reason);
  }

  @Test
  void aLongAfterIsA400() {
    HttpResponse<String> r = node.web().get("/api/lists?after=" + "a".repeat(201));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("after must be a list name: list name is over 200 characters");
  }

  @Test
  void otherMethodsAre405() {
    HttpResponse<String> r = node.web().post("/api/lists");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).isEqualTo("/api/lists answers GET");
  }

  @Test
  void theLimitIsAtMostAThousand() {
    assertThat(names(lists("?limit=1000"))).hasSize(NAMES.size());
  }

  // ---- the epoch of GET /api/lists/{list}

  @Test
  void aWrittenListHasTheEpochOfItsServer() {
    assertThat(Web.json(node.web().get("/api/lists/bob")).get("epoch").asLong()).isEqualTo(1);
  }

  @Test
  void aListNeverWrittenHasEpochZero() {
    JsonNode description = Web.json(node.web().get("/api/lists/never-written"));

    assertThat(description.get("version").asLong()).isZero();
    assertThat(description.get("epoch").asLong()).isZero();
  }
}
