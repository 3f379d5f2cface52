package dev.balancekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens the HTML report in a real browser: Debian's headless Chromium through its chromedriver,
 * both at fixed paths, so Selenium never looks for or downloads a driver or a browser. Skipped
 * when they are not installed ({@code apt-get install chromium chromium-driver}; {@code .ci/run}
 * installs them). Leaves the page and a screenshot in {@code target/report-browser/}.
 */
class HtmlReportBrowserTest {
    static final Path CHROMEDRIVER = Path.of(System.getProperty("balancekit.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("balancekit.chromium", "/usr/bin/chromium"));
    static final Path OUT = Path.of("target", "report-browser");

    private ChromeDriver driver;

    @BeforeEach
    void startBrowser() {
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no chromedriver at " + CHROMEDRIVER);
        assumeTrue(Files.isExecutable(CHROMIUM), "no chromium at " + CHROMIUM);
        // an explicit driver and browser: Selenium Manager has nothing to resolve
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--hide-scrollbars",
                "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterEach
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void htmlReport_inHeadlessChromium_rendersEveryChartWithItsSeries_logsNoErrors() throws Exception {
        Files.createDirectories(OUT);
        Path page = OUT.resolve("report.html").toAbsolutePath();
        Files.writeString(page, HtmlReportTest.sampleHtml(), StandardCharsets.UTF_8);
        driver.manage().window().setSize(new Dimension(1040, 1000));

        driver.get(page.toUri().toString());

        assertThat(driver.getTitle()).isEqualTo("Usage report 2026-03-02 to 2026-03-16");
        assertChart(HtmlReport.DAILY_CHART, "Spending per day by model", SampleLedger.MODELS);
        assertChart(
                HtmlReport.TOP_USERS_CHART,
                "Top users",
                List.of(Charts.SPENT_SERIES, "u-finn", "ana@example.com", "ben@example.com"));
        assertChart(HtmlReport.TOP_MODELS_CHART, "Top models", List.of(Charts.SPENT_SERIES, "gpt-4o", "o3"));
        // the daily chart stacks one bar segment per model and day: at least one per day
        long bars = (Long) ((JavascriptExecutor) driver)
                .executeScript("return document.querySelectorAll('#" + HtmlReport.DAILY_CHART
                        + " rect[style*=\"fill:rgb\"]').length");
        assertThat(bars).isGreaterThanOrEqualTo(SampleLedger.DAYS);
        assertThat(driver.findElements(By.cssSelector("#low-balance tbody tr"))).hasSizeGreaterThanOrEqualTo(2);

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();

        long height = (Long) ((JavascriptExecutor) driver).executeScript("return document.body.scrollHeight");
        driver.manage().window().setSize(new Dimension(1040, (int)
                Math.min(height + 200, 8000))); // outer size: room for the page and the window frame
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path png = OUT.resolve("report.png");
        Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(png)).isPositive();
    }

    /** The chart's SVG is laid out with a size, and shows its title and every expected series or category. */
    private void assertChart(String id, String title, List<String> expected) {
        WebElement svg = driver.findElement(By.id(id));
        assertThat(svg.getTagName()).isEqualTo("svg");
        assertThat(svg.getRect().getWidth()).as("%s width", id).isGreaterThan(100);
        assertThat(svg.getRect().getHeight()).as("%s height", id).isGreaterThan(100);
        List<String> texts = svg.findElements(By.tagName("text")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(texts).as("texts of %s", id).contains(title).containsAll(expected);
    }
}
