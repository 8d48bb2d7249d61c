package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import todo.Browser;

/**
 * The page in a real browser (headless Chromium through WebDriver) against one node: what a
 * person does there reaches the node's JSON API, and what the API says shows on the page. Every
 * test uses lists of its own; the browser is shared and opens the page afresh for each.
 */
class PageTest {

  @RegisterExtension static final OneNode node = new OneNode("pagetest");
  private static Browser browser;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start(1280, 900);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) browser.close();
  }

  @BeforeEach
  void openThePage() {
    browser.open(node.web().base() + "/");
    browser.waitUntil(() -> browser.text("#served-by").contains("pagetest@localhost"));
  }

  // ---- helpers: what a person does

  private static void openList(String name) {
    WebElement field = browser.find("#list-name");
    field.clear();
    field.sendKeys(name, Keys.ENTER);
    browser.waitUntil(() -> browser.text("#entries-title").equals(name));
  }

  private static void add(String title, String date) {
    browser.script("document.getElementById('new-date').value = arguments[0]", date);
    browser.find("#new-title").sendKeys(title, Keys.ENTER);
  }

  private static List<String> shownTitles() {
    return browser.all("#entry-list .entry .text").stream().map(WebElement::getText).toList();
  }

  private static void showDay(String date) {
    browser.script("const d = document.getElementById('day'); d.value = arguments[0];"
        + " d.dispatchEvent(new Event('change'))", date);
  }

  /** The lists shown are the answer to a search for {@code query}. */
  private static boolean shownFor(String query) {
    return query.equals(browser.find("#list-names").getAttribute("data-query"))
        && "false".equals(browser.find("#list-names").getAttribute("aria-busy"));
  }

  private static JsonNode entries(String list) {
    HttpResponse<String> r = node.web().get("/api/lists/" + Web.segment(list) + "/entries");
    assertThat(r.statusCode()).isEqualTo(200);
    return Web.json(r);
  }

  private static WebElement row(String title) {
    return browser.all("#entry-list .entry").stream()
        .filter(li -> li.findElement(org.openqa.selenium.By.cssSelector(".text")).getText().equals(title))
        .findFirst().orElseThrow(() -> new AssertionError("no entry " + title + " shown: " + shownTitles()));
  }

  private static void createThroughApi(String list, String title, String date) {
    HttpResponse<String> r = node.web().postJson("/api/lists/" + Web.segment(list) + "/entries",
        "{\"title\":\"" + title + "\",\"date\":\"" + date + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  // ---- the tests

  @Test
  void aListCreatedAndAnEntryAddedInThePageAreInTheApi() {
    openList("page-bob");
    add("Dentist", "2018-12-19");

    browser.waitUntil(() -> browser.text("#status").contains("Added \"Dentist\""));
    JsonNode stored = entries("page-bob");
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).get("title").asText()).isEqualTo("Dentist");
    assertThat(stored.get(0).get("date").asText()).isEqualTo("2018-12-19");
    assertThat(stored.get(0).get("completed").asBoolean()).isFalse();
    // and the new list is among the stored ones the page lists
    browser.waitUntil(() -> !browser.all("#list-names button[data-list='page-bob']").isEmpty());
  }

  @Test
  void anEntryEditedCompletedAndDeletedInThePageIsSoInTheApi() {
    createThroughApi("page-edit", "Dentist", "2018-12-19");
    createThroughApi("page-edit", "Shopping", "2018-12-19");
    openList("page-edit");
    showDay("2018-12-19");
    browser.waitUntil(() -> shownTitles().equals(List.of("Dentist", "Shopping")));

    // edit: a new title and date, from the keyboard
    row("Dentist").findElement(org.openqa.selenium.By.cssSelector(".edit")).click();
    WebElement title = browser.find("#edit-title-1");
    title.clear();
    title.sendKeys("Dentist at 10");
    browser.script("document.getElementById('edit-date-1').value = '2018-12-20'");
    title.sendKeys(Keys.ENTER);
    browser.waitUntil(() -> entries("page-edit").get(0).get("title").asText().equals("Dentist at 10"));
    assertThat(entries("page-edit").get(0).get("date").asText()).isEqualTo("2018-12-20");
    browser.waitUntil(() -> shownTitles().equals(List.of("Shopping"))); // it moved to the 20th

    // complete
    row("Shopping").findElement(org.openqa.selenium.By.cssSelector(".complete")).click();
    browser.waitUntil(() -> entries("page-edit").get(1).get("completed").asBoolean());
    browser.waitUntil(() -> row("Shopping").getAttribute("class").contains("done"));

    // delete
    row("Shopping").findElement(org.openqa.selenium.By.cssSelector(".delete")).click();
    browser.waitUntil(() -> entries("page-edit").size() == 1);
    assertThat(entries("page-edit").get(0).get("title").asText()).isEqualTo("Dentist at 10");
    browser.waitUntil(() -> shownTitles().isEmpty() && browser.text("#no-entries").equals("No entries on 2018-12-19."));
  }

  @Test
  void entriesShowByDateTodayByDefaultOrAllDates() {
    String today = LocalDate.now().toString();
    createThroughApi("page-dates", "Today's", today);
    createThroughApi("page-dates", "Old", "2018-12-19");
    openList("page-dates");

    browser.waitUntil(() -> shownTitles().equals(List.of("Today's")));
    assertThat(browser.find("#day").getAttribute("value")).isEqualTo(today);

    showDay("2018-12-19");
    browser.waitUntil(() -> shownTitles().equals(List.of("Old")));

    browser.find("#all-dates").click();
    browser.waitUntil(() -> shownTitles().equals(List.of("Old", "Today's")));
  }

  @Test
  void anErrorOfTheApiIsShownInWords() {
    openList("x".repeat(201));

    browser.waitUntil(() -> browser.find("#error").isDisplayed());
    assertThat(browser.text("#error")).contains("list name is over 200 characters");
    assertThat(browser.find("#error").getAttribute("role")).isEqualTo("alert");
  }

  @Test
  void aRefusedWriteIsShownWithTheNodesReason() {
    openList("page-refused");
    add("t".repeat(1001), "2018-12-19");

    browser.waitUntil(() -> browser.text("#error").contains("title is over 1000 characters"));
    assertThat(browser.text("#error")).contains("(HTTP 400)");
    assertThat(entries("page-refused")).isEmpty();
  }

  @Test
  void storedListsArePagedAndSearchedByName() {
    for (int i = 0; i < 25; i++) createThroughApi(String.format("paged-%02d", i), "x", "2018-12-19");
    browser.open(node.web().base() + "/");
    WebElement search = browser.find("#list-search");
    search.sendKeys("PAGED-");

    browser.waitUntil(() -> shownFor("PAGED-") && browser.all("#list-names button").size() == 20
        && browser.find("#more-lists").isDisplayed());
    browser.find("#more-lists").click();
    browser.waitUntil(() -> browser.all("#list-names button").size() == 25 && !browser.find("#more-lists").isDisplayed());

    search.sendKeys("1");
    browser.waitUntil(() -> shownFor("PAGED-1") && browser.all("#list-names button").stream().map(WebElement::getText).toList()
        .equals(List.of("paged-10", "paged-11", "paged-12", "paged-13", "paged-14", "paged-15",
            "paged-16", "paged-17", "paged-18", "paged-19")));

    browser.all("#list-names button").get(0).click();
    browser.waitUntil(() -> browser.text("#entries-title").equals("paged-10"));
  }

  @Test
  void thePanelShowsThisNodeAndWhereTheListLives() {
    createThroughApi("page-panel", "Dentist", "2018-12-19");
    openList("page-panel");

    browser.waitUntil(() -> browser.text("#members tr[data-node='pagetest@localhost'] .state").equals("up"));
    assertThat(browser.text("#members tr.self")).contains("this page");
    browser.waitUntil(() -> browser.text("#placement-node").equals("pagetest@localhost"));
    assertThat(browser.text("#placement-version")).isEqualTo("1");
    assertThat(browser.text("#placement-epoch")).isEqualTo("1");
    assertThat(browser.text("#replicas tr[data-node='pagetest@localhost'] .version")).isEqualTo("1");
  }

  @Test
  void theChartSaysNoDataUntilTheHttpTimerCounts() {
    browser.waitUntil(() -> browser.text("#chart-caption").startsWith("no data yet"));
  }

  /**
   * The chart's reading of /metrics, in the browser, on the HTTP timer's Prometheus series
   * (as Micrometer writes them): summed over labels, two samples make a rate and a mean latency.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theChartDrawsRateAndLatencyFromTheHttpTimer() {
    String first = "# TYPE http_server_requests_seconds summary\n"
        + "http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/entries\"} 100.0\n"
        + "http_server_requests_seconds_sum{method=\"GET\",status=\"200\",uri=\"/entries\"} 0.5\n"
        + "http_server_requests_seconds_count{method=\"POST\",status=\"200\",uri=\"/add_entry\"} 20\n"
        + "http_server_requests_seconds_sum{method=\"POST\",status=\"200\",uri=\"/add_entry\"} 0.1\n"
        + "http_server_requests_seconds_max{method=\"GET\",status=\"200\",uri=\"/entries\"} 0.2\n";
    String second = first.replace("} 100.0", "} 150.0").replace("} 0.5", "} 0.7").replace("} 20\n", "} 30\n")
        .replace("} 0.1\n", "} 0.2\n");

    Map<String, Object> seen = (Map<String, Object>) browser.asyncScript(
        "const done = arguments[arguments.length - 1];"
            + "import('/assets/chart.js').then(m => {"
            + "  const totals = m.httpTotals(arguments[0]);"
            + "  const chart = new m.TrafficChart();"
            + "  chart.add(totals, 1000); chart.add(m.httpTotals(arguments[1]), 11000);"
            + "  done({count: totals.count, sum: totals.sum, rate: document.getElementById('rate-now').textContent,"
            + "        latency: document.getElementById('latency-now').textContent,"
            + "        drawn: document.querySelector('#rate-chart path').getAttribute('d')});"
            + "});", first, second);

    assertThat(((Number) seen.get("count")).doubleValue()).isEqualTo(120.0);
    assertThat(((Number) seen.get("sum")).doubleValue()).isEqualTo(0.6);
    assertThat(seen.get("rate")).isEqualTo("6.0/s"); // 60 requests in 10 s
    assertThat(seen.get("latency")).isEqualTo("5.0 ms"); // 0.3 s over 60 requests
    assertThat((String) seen.get("drawn")).startsWith("M");
  }

  @Test
  void aPhoneSizedWindowNeedsNoSidewaysScrolling() {
    try (Browser phone = Browser.start(390, 844)) {
      phone.open(node.web().base() + "/#list=page-phone");
      phone.waitUntil(() -> phone.text("#entries-title").equals("page-phone"));

      assertThat((Boolean) phone.script("return document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
    }
  }

  @Test
  void everyFieldHasALabel() {
    openList("page-labels");
    createThroughApi("page-labels", "Dentist", LocalDate.now().toString());
    browser.find("#today").click();
    browser.waitUntil(() -> !shownTitles().isEmpty());

    Object unlabelled = browser.script("return [...document.querySelectorAll('input, button')]"
        + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
        + ".map(e => e.id || e.outerHTML)");
    assertThat((List<?>) unlabelled).isEmpty();
  }
}
