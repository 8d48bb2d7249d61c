package todo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import todo.Browser;
import todo.NodeProcess;

/**
 * The page's cluster panel in a real browser, on node 1 of real JVMs: node 2 joins and shows
 * up; Bob's list, whose server runs on node 2, shows where it lives and each replica's version;
 * then node 2 is killed with SIGKILL, shows as unreachable, and Bob shows its new server.
 * With {@code -Dtodo.screenshot=docs/page.png} it writes the page, three nodes up, to that file.
 */
class PageClusterIT {

  private static final Duration WITHIN_SECONDS = Duration.ofSeconds(60);

  @RegisterExtension final ThreeNodes cluster = ThreeNodes.madeBeforeEach("pg");

  @Test
  void thePanelShowsANodeJoinThenUnreachableAfterSigkillAndTheListsNewServer() throws Exception {
    NodeProcess n1 = cluster.node(1).start();
    try (Browser browser = Browser.start(1400, 1000)) {
      browser.open("http://127.0.0.1:" + n1.httpPort() + "/");
      browser.waitUntil(() -> state(browser, n1).equals("up"));
      assertThat(browser.text("#members tr.self .node")).isEqualTo(n1.name());

      NodeProcess n2 = cluster.node(2).start("--connect", n1.name());
      browser.waitUntil(WITHIN_SECONDS, () -> state(browser, n2).equals("up"));
      NodeProcess n3 = cluster.node(3).start("--connect", n2.name());
      Clusters.awaitMesh(n1, n2, n3);
      browser.waitUntil(WITHIN_SECONDS, () -> state(browser, n3).equals("up"));
      assertThat(browser.text("#members tr[data-node='" + n2.name() + "'] a")).isEqualTo("127.0.0.1:" + n2.httpPort());

      // Bob's first request enters node 2, so its server runs there; the page adds through node 1.
      Clusters.addAcknowledged(n2, "Bob", "Dentist");
      WebElement name = browser.find("#list-name");
      name.sendKeys("Bob", Keys.ENTER);
      browser.waitUntil(() -> browser.text("#placement-node").equals(n2.name()));
      String today = LocalDate.now().toString();
      for (String title : List.of("Buy milk", "Call Alice", "Book flights")) {
        browser.find("#new-title").sendKeys(title, Keys.ENTER);
        browser.waitUntil(() -> browser.text("#status").contains("Added \"" + title + "\""));
      }
      assertThat(Clusters.titles(n3, "Bob")).contains("Dentist"); // the book's route reads one date: 2018-12-19
      assertThat(n3.getJson("/api/lists/Bob/entries").size()).isEqualTo(4);
      browser.all("#entry-list .complete").get(0).click();
      browser.waitUntil(() -> browser.text("#status").contains("is done"));
      browser.waitUntil(() -> browser.text("#placement-version").equals("5"));
      for (NodeProcess n : List.of(n1, n2, n3)) {
        browser.waitUntil(() -> browser.text("#replicas tr[data-node='" + n.name() + "'] .version").equals("5"));
      }
      assertThat(browser.all("#entry-list .entry")).hasSize(3); // today's; Dentist is on 2018-12-19
      assertThat(today).isEqualTo(browser.find("#day").getAttribute("value"));

      Path screenshot = Browser.screenshotRequested();
      if (screenshot != null) browser.screenshot(screenshot);

      n2.kill();
      browser.waitUntil(WITHIN_SECONDS, () -> state(browser, n2).equals("unreachable"));
      browser.waitUntil(WITHIN_SECONDS, () -> List.of(n1.name(), n3.name()).contains(browser.text("#placement-node")));
      browser.waitUntil(WITHIN_SECONDS, () -> browser.text("#replicas tr[data-node='" + n2.name() + "'] .version").equals("no answer"));
      assertThat(browser.text("#placement-writable")).isEqualTo("yes"); // two of three are a majority
      assertThat(state(browser, n1)).isEqualTo("up");
      assertThat(state(browser, n3)).isEqualTo("up");
    }
  }

  /** The state the panel shows for {@code node}, "" while it does not list it. */
  private static String state(Browser browser, NodeProcess node) {
    return browser.text("#members tr[data-node='" + node.name() + "'] .state");
  }
}
