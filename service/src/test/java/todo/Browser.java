package todo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the page's tests: headless Chromium driven through chromedriver
 * (WebDriver), both Debian's ({@code apt-get install chromium chromium-driver}), named by path so
 * that Selenium never tries to download a driver of its own. Without them the tests fail,
 * saying what to install: they are part of the suite, not optional.
 *
 * <p>Waits are for conditions, with a generous deadline; nothing here asserts on time.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of(System.getProperty("todo.chromium", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getProperty("todo.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Starts headless Chromium with a window of {@code width} x {@code height} CSS pixels. */
  public static Browser start(int width, int height) {
    for (Path tool : List.of(CHROMIUM, DRIVER)) {
      if (!Files.isExecutable(tool)) {
        throw new IllegalStateException("The page's browser tests need Chromium and its WebDriver, and " + tool
            + " is missing: apt-get install -y --no-install-recommends chromium chromium-driver"
            + " (or point -Dtodo.chromium and -Dtodo.chromedriver at them)");
      }
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
    Browser browser = new Browser(new ChromeDriver(service, options));
    browser.driver.manage().window().setSize(new Dimension(width, height));
    return browser;
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The text of the element {@code css} selects, "" when there is none. */
  public String text(String css) {
    List<WebElement> found = all(css);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** Runs {@code script} in the page and returns what it returns. */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs {@code script}, which calls {@code arguments[arguments.length - 1]} with its answer when done. */
  public Object asyncScript(String script, Object... args) {
    driver.manage().timeouts().scriptTimeout(GENEROUS);
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Waits until {@code condition} holds, up to {@code within}; fails with what it last saw. */
  public void waitUntil(Duration within, Callable<Boolean> condition) {
    try {
      await().atMost(within).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the page did not get there within " + within.toSeconds() + " s; it shows:\n"
          + script("return document.body.innerText"), e);
    }
  }

  public void waitUntil(Callable<Boolean> condition) {
    waitUntil(GENEROUS, condition);
  }

  /** Writes a PNG of the window to {@code file}, making its folder. */
  public void screenshot(Path file) {
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where {@code -Dtodo.screenshot=docs/page.png} asks the page's screenshot to be written (a
   * relative path is from the checkout), or null when it does not.
   */
  public static Path screenshotRequested() {
    String asked = System.getProperty("todo.screenshot", "");
    if (asked.isBlank()) return null;
    Path checkout = Path.of(System.getProperty("todo.checkout", "..")).toAbsolutePath().normalize();
    return checkout.resolve(asked);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
