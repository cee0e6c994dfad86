package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard of {@code autoglm demo} in a real browser: Debian's headless Chromium driven by its
 * chromedriver through Selenium WebDriver.
 *
 * <p>Nothing is downloaded: the driver's path is given to the service, so Selenium Manager never
 * runs. Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the class is skipped,
 * unless {@code AUTOGLM_REQUIRE_BROWSER=1} (CI, see .ci/run) makes that a failure. One demo, one
 * server and one browser serve every test; the tests run in order, the rollback after the views.
 * Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Selenium looks for a CDP binding of the browser's version and warns when the newest Chromium is
   * newer than it; the test needs none (no selenium-devtools), so the warning is only noise.
   */
  private static final Logger CDP_VERSIONS =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  /** Markup that runs script wherever a page takes text for HTML. */
  private static final String XSS =
      "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">";

  /** Failed loads the dashboard may cause on purpose (a refused or unknown API call). */
  private static final Pattern EXPECTED_CONSOLE_ERROR =
      Pattern.compile("Failed to load resource: the server responded with a status of 40[134]\\b");

  @TempDir static Path temp;

  private static final StringWriter transcript = new StringWriter();
  private static final List<String> consoleErrors = new ArrayList<>();
  private static ProjectDescriptor project;
  private static DemoStory story;
  private static DashboardServer server;
  private static WebDriver driver;
  private static URI base;
  private static String rollbackReason;

  @BeforeAll
  @Timeout(300)
  static void playTheDemoAndOpenABrowser() throws IOException {
    requireBrowser();
    ExampleProject example = ExampleProject.copyInto(temp);
    project = new ProjectLoader(LoadLimits.DEFAULT).load(Path.of(example.descriptor()));
    Path work = Files.createDirectories(temp.resolve("demo"));
    PrintWriter out = new PrintWriter(transcript, true);
    story = new DemoStory(project, work, out);
    int played = DemoCommand.play(story, project, work, out, false);
    assertThat(played).as("the demo's story:%n%s", transcript).isZero();
    server =
        DashboardServer.start(
            story.dashboard(), story.apiTokens(), DashboardServer.Options.loopback(0));
    base = server.uri();
    CDP_VERSIONS.setLevel(Level.SEVERE);
    driver = startBrowser(Files.createDirectories(temp.resolve("chromium-profile")));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void closeEverything() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        if (story != null) {
          story.close();
        }
      }
    }
  }

  @Test
  @Order(1)
  void shouldShowTheDemoProjectToAnAnonymousVisitor() {
    List<RunRecord> runs = story.runs().page(20, 0).runs();
    assertThat(runs).as("runs of the demo:%n%s", transcript).hasSizeGreaterThanOrEqualTo(8);
    RunRecord diverged =
        runs.stream()
            .filter(
                run ->
                    run.kind() == RunKind.PROMOTION
                        && "dev".equals(run.environment())
                        && Integer.valueOf(2).equals(run.version()))
            .findFirst()
            .orElseThrow();

    open("#/", "project");

    stable(
        () -> {
          assertThat(driver.findElements(By.cssSelector("article[data-testid^='env-']")))
              .extracting(card -> card.getAttribute("data-env"))
              .containsExactly("dev", "staging", "production");
          assertThat(text("version-dev")).isEqualTo("v3");
          assertThat(text("version-staging")).isEqualTo("v1");
          assertThat(text("version-production")).isEqualTo("v1");
          assertThat(driver.findElements(By.cssSelector("[data-testid='trend-chart'] canvas")))
              .as("the trend chart drawn by ECharts")
              .isNotEmpty();

          assertThat(driver.findElements(By.cssSelector("[data-testid='runs'] tr[data-run-id]")))
              .hasSize(runs.size());
          for (RunRecord run : runs) {
            assertThat(driver.findElement(runRow(run.id())).getAttribute("data-state"))
                .as("state of run %s (%s)", run.id(), run.title())
                .isEqualTo(run.state().json());
          }
          WebElement row = driver.findElement(runRow(diverged.id()));
          assertThat(row.getAttribute("data-state")).isEqualTo("ROLLED_BACK");
          assertThat(row.getText()).contains("rolled back", "promotion", "dev", "v2");

          List<WebElement> devHistory = historyRows("dev");
          assertThat(devHistory).hasSizeGreaterThanOrEqualTo(4);
          assertThat(devHistory)
              .as("the automatic rollback of v2 in dev's history")
              .anySatisfy(entry -> assertThat(entry.getText()).contains("automatic rollback"));
          assertThat(historyRows("staging")).isNotEmpty();
          assertThat(historyRows("production")).isNotEmpty();

          // dev has a version to go back to, but nobody has signed in: no button anywhere
          assertThat(text("env-dev")).contains("rollback target: v1");
          assertThat(driver.findElements(By.cssSelector("#main button[data-testid^='rollback-']")))
              .as("rollback buttons for a visitor who has not signed in")
              .isEmpty();
          assertThat(driver.findElement(By.cssSelector("[data-testid='sign-in']")).isDisplayed())
              .isTrue();
        });
  }

  @Test
  @Order(2)
  void shouldShowPhasesRanksAndMetricsOfTheTrainingRun() throws IOException {
    RunRecord training =
        story.runs().page(50, 0).runs().stream()
            .filter(run -> run.kind() == RunKind.TRAINING && run.title().endsWith("(2×2)"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 2×2 training run:\n" + transcript));

    open("#/runs/" + training.id(), "run");

    waitFor(By.cssSelector("[data-testid='metric-loss'] canvas"));
    stable(
        () -> {
          assertThat(text("run-title")).isEqualTo(training.title());
          assertThat(
                  driver
                      .findElement(By.cssSelector("[data-testid='run-state'] [data-state]"))
                      .getAttribute("data-state"))
              .isEqualTo("VERIFIED");
          assertThat(driver.findElements(By.cssSelector("[data-testid='phases'] li.phase")))
              .extracting(phase -> phase.getAttribute("data-state"))
              .containsExactly("PENDING", "VALIDATING", "TRAINING", "VERIFIED");
          assertThat(driver.findElements(By.cssSelector("[data-testid='ranks'] tr[data-rank]")))
              .extracting(rank -> rank.getAttribute("data-rank"))
              .containsExactly("0", "1", "2", "3");
        });
    screenshot("run", true);
  }

  @Test
  @Order(3)
  void shouldShowAResearcherNoProductionRollbackAndRefuseItsPost() throws Exception {
    open("#/", "project");
    signIn("bob");
    // again, without the notice of the sign-in: the picture of the docs
    open("#/", "project");

    waitFor(By.cssSelector("button[data-testid='rollback-dev']"));
    stable(
        () ->
            assertThat(
                    driver.findElements(By.cssSelector("#main button[data-testid^='rollback-']")))
                .as("bob (researcher) may roll back dev only")
                .extracting(button -> button.getAttribute("data-testid"))
                .containsExactly("rollback-dev"));
    screenshot("project", false);
    // what the page asked the server: the policy lets bob roll back dev, not production
    JsonNode session = api("session", "bob");
    assertThat(session.path("environments").path("dev").path("rollback").asBoolean()).isTrue();
    assertThat(session.path("environments").path("production").path("rollback").asBoolean())
        .isFalse();

    JsonNode before = api("project", null);
    HttpResponse<String> refused =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve("/api/environments/production/rollback"))
                    .timeout(WAIT)
                    .header("Authorization", "Bearer " + story.tokens().get("bob"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"bob tries\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("bob");
    JsonNode after = api("project", null);
    assertThat(environment(after, "production")).isEqualTo(environment(before, "production"));
    assertThat(after.path("runs").path("total")).isEqualTo(before.path("runs").path("total"));
    assertThat(api("environments/production/history", null).path("total"))
        .isEqualTo(environment(before, "production").path("historySize"));
  }

  @Test
  @Order(4)
  void shouldRollDevBackForAResearcherWithTheReasonInTheHistory() throws IOException {
    open("#/", "project");
    signIn("bob");
    int entries = historyRows("dev").size();
    WebDriverWait wait = waiting();
    wait.until(
        d -> {
          d.findElement(By.cssSelector("button[data-testid='rollback-dev']")).click();
          return true;
        });
    WebElement dialog = waitFor(By.cssSelector("[data-testid='rollback-dialog']"));
    assertThat(
            dialog.findElement(By.cssSelector("[data-testid='rollback-target-version']")).getText())
        .isEqualTo("v1");
    rollbackReason = "v3 answers slowly in dev " + XSS;
    driver.findElement(By.cssSelector("[data-testid='rollback-reason']")).sendKeys(rollbackReason);
    screenshot("rollback-dialog", false);

    driver.findElement(By.cssSelector("[data-testid='rollback-confirm']")).click();

    wait.until(
        ExpectedConditions.invisibilityOfElementLocated(
            By.cssSelector("[data-testid='rollback-dialog']")));
    wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='version-dev']"), "v1"));
    // the rollback and the health check after it, newest first
    wait.until(d -> historyRows("dev").size() >= entries + 2);
    stable(
        () -> {
          List<WebElement> rows = historyRows("dev");
          assertThat(rows.get(0).findElement(By.cssSelector(".action")).getText())
              .isEqualTo("verify");
          assertThat(rows.get(0).findElement(By.cssSelector(".tick")).getText()).isEqualTo("yes");
          WebElement rollback = rows.get(1);
          assertThat(rollback.findElement(By.cssSelector(".action")).getText())
              .isEqualTo("rollback");
          assertThat(rollback.findElement(By.cssSelector(".actor")).getText()).isEqualTo("bob");
          assertThat(rollback.findElement(By.cssSelector(".reason")).getText())
              .isEqualTo(rollbackReason);
          assertThat(rollback.getText()).contains("v1");
          assertThat(
                  driver
                      .findElement(By.cssSelector("[data-testid='notice'] .notice-item"))
                      .getAttribute("data-kind"))
              .isEqualTo("ok");
        });
    assertThat(environment(api("project", null), "dev").path("version").asInt()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void shouldShowMarkupInReasonsAndTitlesAsText() {
    assertThat(rollbackReason).as("the reason given by the test before").isNotNull();
    String title = "train " + XSS;
    RunRecorder run =
        RunRecorder.start(
            story.runs(), project.name(), RunKind.TRAINING, title, "carol", Clock.systemUTC());
    run.moveTo(RunState.ABORTED, "carol", "stopped: " + XSS);

    open("#/", "project");
    waitFor(runRow(run.id()));
    stable(
        () -> {
          assertThat(
                  driver
                      .findElement(runRow(run.id()))
                      .findElement(By.cssSelector("a.run-link"))
                      .getText())
              .isEqualTo(title);
          assertThat(historyRows("dev"))
              .anySatisfy(entry -> assertThat(entry.getText()).contains(rollbackReason));
        });
    assertNoScriptRan();

    open("#/runs/" + run.id(), "run");
    stable(
        () -> {
          assertThat(text("run-title")).isEqualTo(title).contains("<script>");
          assertThat(text("phases")).contains("stopped: " + XSS);
        });
    assertNoScriptRan();
  }

  @Test
  @Order(6)
  void shouldLogNoScriptErrorsInTheConsole() {
    // a probe first, so that an unreadable console cannot pass for a clean one
    ((JavascriptExecutor) driver).executeScript("console.error('console probe')");
    drainConsole();
    assertThat(consoleErrors).anySatisfy(line -> assertThat(line).contains("console probe"));
    assertThat(consoleErrors)
        .as("console errors of the whole class")
        .filteredOn(line -> !line.contains("console probe"))
        .isEmpty();
  }

  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing =
        "the browser test needs Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "): apt-get install chromium chromium-driver";
    if (!present && "1".equals(System.getenv("AUTOGLM_REQUIRE_BROWSER"))) {
      fail(missing + "; AUTOGLM_REQUIRE_BROWSER=1 makes this a failure");
    }
    assumeTrue(present, missing);
  }

  private static WebDriver startBrowser(Path profile) {
    // A driver executable given to the service: Selenium Manager is skipped, nothing downloaded.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--hide-scrollbars",
        "--lang=en-US",
        "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    return chrome;
  }

  /** Loads the page afresh at {@code hash} and waits until it has drawn the view {@code ready}. */
  private static void open(String hash, String ready) {
    drainConsole();
    driver.get(base.resolve("/") + hash);
    // the same page with another hash does not load again; a reload starts from nothing
    driver.navigate().refresh();
    waiting()
        .until(
            d ->
                ready.equals(
                    ((JavascriptExecutor) d).executeScript("return document.body.dataset.ready")));
  }

  /** Signs in with the person's token, unless the page says they are signed in already. */
  private static void signIn(String person) {
    String signedIn = "signed in as " + person;
    if (driver.findElement(By.cssSelector("[data-testid='whoami']")).getText().contains(signedIn)) {
      return;
    }
    WebElement token = waitFor(By.cssSelector("[data-testid='token']"));
    token.sendKeys(story.tokens().get(person));
    driver.findElement(By.cssSelector("[data-testid='sign-in']")).click();
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-testid='whoami']"), signedIn));
    assertThat(driver.findElement(By.cssSelector("[data-testid='sign-in']")).isDisplayed())
        .isFalse();
  }

  private static void assertNoScriptRan() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return window.__xss === undefined")).isEqualTo(true);
    assertThat(
            js.executeScript(
                "return document.querySelectorAll('img[src=\"x\"], script:not([src])').length"))
        .isEqualTo(0L);
  }

  private static List<WebElement> historyRows(String environment) {
    return driver.findElements(
        By.cssSelector("[data-testid='history-" + environment + "'] tr[data-seq]"));
  }

  private static By runRow(String id) {
    return By.cssSelector("[data-testid='runs'] tr[data-run-id='" + id + "']");
  }

  /** The text of the element with this {@code data-testid}, once it is shown. */
  private static String text(String testId) {
    return waitFor(By.cssSelector("[data-testid='" + testId + "']")).getText();
  }

  private static WebElement waitFor(By locator) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /**
   * Runs DOM assertions again when the page redrew itself meanwhile (it polls the server): a stale
   * element is retried, a failed assertion fails at once.
   */
  private static void stable(Runnable assertions) {
    waiting()
        .until(
            d -> {
              assertions.run();
              return true;
            });
  }

  private static WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** A GET of the REST API, as {@code person} (a bearer token) or anonymously. */
  private static JsonNode api(String path, String person) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/api/" + path)).timeout(WAIT);
    if (person != null) {
      request.header("Authorization", "Bearer " + story.tokens().get(person));
    }
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static JsonNode environment(JsonNode project, String name) {
    for (JsonNode environment : project.path("environments")) {
      if (name.equals(environment.path("name").asText())) {
        return environment;
      }
    }
    throw new AssertionError("no environment " + name + " in " + project);
  }

  /** Saves what the browser shows, or with {@code wholePage} the page from top to bottom. */
  private static void screenshot(String name, boolean wholePage) throws IOException {
    Dimension window = driver.manage().window().getSize();
    if (wholePage) {
      Number height =
          (Number)
              ((JavascriptExecutor) driver)
                  .executeScript(
                      "return document.documentElement.scrollHeight"
                          + " + window.outerHeight - window.innerHeight");
      driver.manage().window().setSize(new Dimension(window.getWidth(), height.intValue()));
    }
    try {
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } finally {
      if (wholePage) {
        driver.manage().window().setSize(window);
      }
    }
  }

  /** Keeps the browser's console errors, but the failed loads the dashboard causes on purpose. */
  private static void drainConsole() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
          && !EXPECTED_CONSOLE_ERROR.matcher(entry.getMessage()).find()) {
        consoleErrors.add(entry.getMessage());
      }
    }
  }
}
