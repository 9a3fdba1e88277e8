package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The studio (SPEC ST-1) as a user sees it: Debian's headless Chromium signs in, finds the workspace, moves an
 * endpoint's traffic and mirror, tests a deployment, reads its logs and latency, follows a job's log and metric
 * chart, and updates a datastore's credentials — each change checked afterwards through the CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioTest {
    private static final String JOB_SCRIPT = """
            import json, os, time, urllib.request
            time.sleep(4)  # still running when the studio opens the job
            uri, token, run = (os.environ[k] for k in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_RUN_ID"))
            for step, loss in enumerate([0.9, 0.5, 0.25]):
                body = json.dumps({"run_id": run, "key": "loss", "value": loss, "timestamp": 0, "step": step}).encode()
                urllib.request.urlopen(urllib.request.Request(uri + "/api/2.0/mlflow/runs/log-metric", data=body,
                    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"}))
            print("trained with a <b>bold</b> loss", flush=True)
            """;

    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        cli.ok("ml", "online-endpoint", "create", "-n", "shop");
        cli.ok("ml", "online-deployment", "create", "-f",
                BehavingDeployment.yaml(temporary, "shop", "blue", "").toString(), "--all-traffic");
        cli.ok("ml", "online-deployment", "create", "-f",
                BehavingDeployment.yaml(temporary, "shop", "green", "").toString());
        browser = chromium(temporary.resolve("chromium"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // Without the background-networking switches Chromium keeps dialling Google's hosts on a closed network.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1024", "--user-data-dir=" + profile);
        options.setAcceptInsecureCerts(true);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));  // the server's self-signed development certificate
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The page's console (script errors, refused requests) in the test's output, for whoever reads a failure. */
    @AfterEach
    void printConsole(TestInfo test) throws Exception {
        browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("[chromium] " + entry));
        // -Damlite.studio.screenshots=DIR keeps a picture of each test's last page, to look at the studio.
        String folder = System.getProperty("amlite.studio.screenshots");
        if (folder != null) {
            Path picture = Files.createDirectories(Path.of(folder)).resolve(test.getTestMethod().orElseThrow().getName() + ".png");
            Files.write(picture, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(10)
    void aWrongPasswordIsRefusedWithTheReasonAndTheRightOneOpensTheWorkspaceList() {
        browser.get(server.url() + "/studio");
        assertThat(browser.getCurrentUrl()).as("redirected to the folder, then to sign-in").contains("/studio/#/signin");
        signIn("admin", "not-the-password");
        WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".error")));
        assertThat(refusal.getText()).contains("invalid_grant");
        assertThat(session()).as("nothing kept after a refusal").isNull();

        signIn("admin", TestServer.ADMIN_PASSWORD);
        ready("workspaces");
        assertThat(text("#main")).contains(server.subscriptionId());
        browser.findElement(By.linkText("mlw")).click();
        ready("workspace");
        assertThat(text("#tab-endpoints")).contains("shop").contains("blue=100");

        // A token the server no longer takes: back to sign-in, saying why, then on to the same page.
        ((JavascriptExecutor) browser).executeScript("const s = JSON.parse(sessionStorage.getItem('amlite.studio.session'));"
                + "s.token = s.token.slice(0, -4) + 'AAAA'; sessionStorage.setItem('amlite.studio.session', JSON.stringify(s));");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-ended")));
        signIn("admin", TestServer.ADMIN_PASSWORD);
        ready("workspace");
        assertThat(text("#tab-endpoints")).contains("shop");
    }

    @Test
    @Order(20)
    void trafficAndMirrorSavedInTheStudioAreWhatTheCliShowsAndABadSplitIsRefusedWithAzuresMessage() {
        openEndpoint();
        assertThat(text("table")).contains("blue").contains("green").contains("Succeeded");
        setPercent("live-blue", 90);
        setPercent("live-green", 10);
        browser.findElement(By.id("traffic-save")).click();
        ready("endpoint");
        assertThat(traffic("traffic")).isEqualTo(Json.parse("{\"blue\":90,\"green\":10}"));

        setPercent("live-green", 20);
        browser.findElement(By.id("traffic-save")).click();
        WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#traffic .error")));
        assertThat(refusal.getText()).contains("110");
        assertThat(traffic("traffic")).as("unchanged").isEqualTo(Json.parse("{\"blue\":90,\"green\":10}"));

        openEndpoint();
        setPercent("live-blue", 100);
        setPercent("live-green", 0);
        setPercent("mirror-green", 10);
        browser.findElement(By.id("traffic-save")).click();
        ready("endpoint");
        assertThat(traffic("mirror_traffic")).isEqualTo(Json.parse("{\"green\":10}"));
        assertThat(browser.findElement(By.id("mirror-green")).getAttribute("value")).isEqualTo("10");
    }

    @Test
    @Order(30)
    void theTestPanelInvokesAPinnedDeploymentAndItsRequestShowsInTheLatencyChartAndTheLogs() {
        openEndpoint();
        new Select(browser.findElement(By.id("test-deployment"))).selectByValue("green");
        type("test-request", "{\"data\": [2]}");
        browser.findElement(By.id("test-send")).click();
        WebElement status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("test-status")));
        assertThat(status.getText()).startsWith("200 from green");
        assertThat(Json.parse(text("#test-body")).path("deployment").asText()).isEqualTo("green");
        assertThat(Json.parse(text("#test-body")).path("score").asDouble()).isEqualTo(2.5);

        type("test-request", "{\"fail\": \"on purpose\"}");
        browser.findElement(By.id("test-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-status"), "424"));

        openEndpoint();
        List<WebElement> lines = browser.findElements(By.cssSelector("#latency-chart polyline"));
        assertThat(lines).extracting(line -> line.getAttribute("data-series")).contains("green");
        assertThat(browser.findElements(By.cssSelector("#latency-chart circle"))).hasSizeGreaterThanOrEqualTo(2);

        browser.findElement(By.id("credentials-show")).click();
        String primary = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("primary-key"))).getText();
        String secondary = text("#secondary-key");
        assertThat(primary).isEqualTo(cli.ok("ml", "online-endpoint", "get-credentials", "-n", "shop", "-o", "tsv",
                "--query", "primaryKey").strip());
        browser.findElement(By.cssSelector("button[data-regenerate='secondary']")).click();
        submitDialog();
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("secondary-key"), secondary)));
        assertThat(text("#secondary-key")).isEqualTo(cli.ok("ml", "online-endpoint", "get-credentials", "-n", "shop",
                "-o", "tsv", "--query", "secondaryKey").strip()).isNotEqualTo(secondary);
        assertThat(text("#primary-key")).as("untouched").isEqualTo(primary);

        new Select(browser.findElement(By.id("logs-deployment"))).selectByValue("green");
        browser.findElement(By.id("logs-get")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs-output"), "asked to fail: on purpose"));
        assertThat(text("#logs-output")).contains("behaving init");
    }

    @Test
    @Order(35)
    void aDeploymentIsScaledAndDeletedFromTheEndpointPageAndOneWithLiveTrafficIsNot() throws Exception {
        cli.ok("ml", "online-deployment", "create", "-f",
                BehavingDeployment.yaml(temporary, "shop", "red", "").toString(), "-o", "none");
        openEndpoint();
        browser.findElement(By.cssSelector("button[data-scale='green']")).click();
        type("scale-count", "2");
        submitDialog();
        ready("endpoint");
        assertThat(cli.ok("ml", "online-deployment", "show", "-n", "green", "-e", "shop", "-o", "tsv", "--query",
                "instance_count").strip()).isEqualTo("2");

        browser.findElement(By.cssSelector("button[data-delete='blue']")).click();
        assertThat(submitDialogRefused()).contains("traffic");
        browser.findElement(By.xpath("//dialog//button[text()='Cancel']")).click();
        assertThat(cli.run("ml", "online-deployment", "show", "-n", "blue", "-e", "shop").exitCode()).isZero();

        browser.findElement(By.cssSelector("button[data-delete='red']")).click();
        submitDialog();
        ready("endpoint");
        assertThat(cli.run("ml", "online-deployment", "show", "-n", "red", "-e", "shop").exitCode()).isEqualTo(3);
        assertThat(browser.findElements(By.cssSelector("button[data-delete='red']"))).isEmpty();
    }

    @Test
    @Order(36)
    void aWorkspaceIsCreatedAModelsVersionsListedAndAComputeInstanceStoppedAndStarted() throws Exception {
        browser.get(server.url() + "/studio/#/");
        ready("workspaces");
        browser.findElement(By.cssSelector("button[data-create-workspace]")).click();
        // The dialog opens once the subscription's groups are read.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ws-name"))).sendKeys("日本");
        assertThat(submitDialogRefused()).contains("日本").containsIgnoringCase("letters");
        type("ws-name", "mlw3");
        submitDialog();
        ready("workspaces");
        assertThat(browser.findElements(By.linkText("mlw3"))).hasSize(1);
        assertThat(Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw3", "-g", "rg1")).path("location").asText())
                .isEqualTo("japaneast");

        Path model = Files.createDirectories(temporary.resolve("model"));
        Files.writeString(model.resolve("weights.json"), "{}");
        cli.ok("ml", "model", "create", "-n", "reg", "-v", "1", "--path", model.toString(), "-o", "none");
        cli.ok("ml", "model", "create", "-n", "reg", "-v", "2", "--path", model.toString(), "--description", "second", "-o", "none");
        openWorkspace("rg1/mlw", "models");
        browser.findElement(By.linkText("reg")).click();
        ready("asset");
        List<String> rows = browser.findElements(By.cssSelector("#main tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("2").contains("second");
        assertThat(rows.get(1)).startsWith("1");
        // Version 2 archived from the studio: gone from the CLI's list, still on the page (to be restored), and back.
        browser.findElement(By.cssSelector("button[data-archive-version='2']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("button[data-archive-version='2']"), "Restore"));
        assertThat(cli.ok("ml", "model", "list", "-n", "reg", "--query", "[].version", "-o", "tsv").strip()).isEqualTo("1");
        assertThat(cli.ok("ml", "model", "show", "-n", "reg", "-v", "2", "--query", "description", "-o", "tsv").strip())
                .as("archived, not changed").isEqualTo("second");
        browser.findElement(By.cssSelector("button[data-archive-version='2']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("button[data-archive-version='2']"), "Archive"));
        assertThat(cli.ok("ml", "model", "list", "-n", "reg", "--query", "[].version", "-o", "tsv").strip().split("\n"))
                .containsExactly("2", "1");

        cli.ok("ml", "compute", "create", "-n", "box", "--type", "computeinstance", "--size", "Standard_DS3_v2", "-o", "none");
        openWorkspace("rg1/mlw", "computes");
        browser.findElement(By.cssSelector("button[data-compute-action='stop']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button[data-compute-action='start']")));
        assertThat(cli.ok("ml", "compute", "show", "-n", "box", "-o", "tsv", "--query", "state").strip()).isEqualTo("Stopped");
        browser.findElement(By.cssSelector("button[data-compute-action='start']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button[data-compute-action='stop']")));
        assertThat(cli.ok("ml", "compute", "show", "-n", "box", "-o", "tsv", "--query", "state").strip()).isEqualTo("Running");
        browser.findElement(By.cssSelector("button[data-compute-delete='box']")).click();
        submitDialog();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("button[data-compute-delete='box']"), 0));
        assertThat(cli.run("ml", "compute", "show", "-n", "box").exitCode()).isEqualTo(3);
    }

    @Test
    @Order(37)
    void anAmlTokenEndpointIsCreatedGivenADeploymentOfRegisteredAssetsInvokedAndDeletedAllFromTheStudio() {
        openWorkspace("rg1/mlw", "endpoints");
        browser.findElement(By.id("endpoint-create")).click();
        browser.findElement(By.id("ep-name")).sendKeys("1-kiosk");
        assertThat(submitDialogRefused()).contains("1-kiosk").contains("letter");
        type("ep-name", "kiosk");
        new Select(browser.findElement(By.id("ep-auth"))).selectByValue("AMLToken");
        submitDialog();
        ready("workspace");
        browser.findElement(By.linkText("kiosk")).click();
        ready("endpoint");

        browser.findElement(By.id("deployment-create")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dep-name"))).sendKeys("one");
        // The behaving model and code the CLI registered (anonymously) for the shop's deployments.
        pick(new Select(browser.findElement(By.id("dep-model"))), "anon-");
        pick(new Select(browser.findElement(By.id("dep-code"))), "");
        type("dep-type", "Standard_DS2_v2");
        submitDialog();
        ready("endpoint");
        assertThat(cli.ok("ml", "online-deployment", "show", "-n", "one", "-e", "kiosk", "-o", "tsv", "--query",
                "provisioning_state").strip()).isEqualTo("Succeeded");

        new Select(browser.findElement(By.id("test-deployment"))).selectByValue("one");
        type("test-request", "{\"data\": [1]}");
        browser.findElement(By.id("test-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-status"), "200 from one"));
        assertThat(cli.ok("ml", "online-endpoint", "show", "-n", "kiosk", "-o", "tsv", "--query", "auth_mode").strip())
                .isEqualTo("aml_token");
        browser.findElement(By.id("credentials-show")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).getText()).startsWith("amlt.");
        assertThat(text("#credentials")).contains("Expires");

        browser.findElement(By.id("endpoint-delete")).click();
        submitDialog();
        ready("workspace");
        assertThat(text("#tab-endpoints")).contains("shop").doesNotContain("kiosk");
        assertThat(cli.run("ml", "online-endpoint", "show", "-n", "kiosk").exitCode()).isEqualTo(3);
    }

    private static void pick(Select select, String prefix) {
        WebElement option = select.getOptions().stream().filter(o -> o.getText().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no option starting '" + prefix + "' in "
                        + select.getOptions().stream().map(WebElement::getText).toList()));
        select.selectByVisibleText(option.getText());
    }

    @Test
    @Order(40)
    void aJobShowsItsLogAsTextAndItsLoggedMetricAsAChart() throws Exception {
        cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                "--min-instances", "0", "--max-instances", "1", "-o", "none");
        Path code = Files.createDirectories(temporary.resolve("src"));
        Files.writeString(code.resolve("train.py"), JOB_SCRIPT);
        Path job = temporary.resolve("job.yml");
        Files.writeString(job, """
                command: python train.py
                code: ./src
                environment:
                  image: python:3.11
                compute: azureml:cpu
                """);
        cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "train-1", "-o", "none");

        openWorkspace("rg1/mlw", "jobs");
        browser.findElement(By.linkText("train-1")).click();
        ready("job");
        assertThat(text("#job-status")).as("opened while the job runs").isNotEqualTo("Completed");
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "Completed"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#job-log[data-complete]")));
        assertThat(text("#job-log")).as("a log line stays text").contains("trained with a <b>bold</b> loss");
        assertThat(browser.findElements(By.cssSelector("#job-log b"))).isEmpty();
        WebElement chart = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#job-metrics figure[data-metric='loss']")));
        assertThat(chart.findElements(By.cssSelector("circle"))).hasSize(3);
        assertThat(browser.findElements(By.id("job-cancel"))).as("nothing to cancel").isEmpty();

        Files.writeString(code.resolve("wait.py"), "import time\nprint('waiting', flush=True)\ntime.sleep(300)\n");
        Files.writeString(job, Files.readString(job).replace("train.py", "wait.py"));
        cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "waiter", "-o", "none");
        browser.get(server.url() + "/studio/#/ws/" + server.subscriptionId() + "/rg1/mlw/jobs/waiter");
        ready("job");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("job-log"), "waiting"));
        browser.findElement(By.id("job-cancel")).click();
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "Canceled"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("job-cancel")));
        assertThat(cli.ok("ml", "job", "show", "-n", "waiter", "-o", "tsv", "--query", "status").strip())
                .isEqualTo("Canceled");
    }

    @Test
    @Order(50)
    void aDatastoresCredentialsAreUpdatedThroughTheDialogOfSeed000() {
        openWorkspace("rg1/mlw", "datastores");
        browser.findElement(By.id("datastore-create")).click();
        browser.findElement(By.id("ds-name")).sendKeys("landing");
        browser.findElement(By.id("ds-account")).sendKeys("landingacct");
        browser.findElement(By.id("ds-container")).sendKeys("raw");
        new Select(browser.findElement(By.id("ds-kind"))).selectByValue("Sas");
        browser.findElement(By.id("ds-secret")).sendKeys("sv=2024&sig=first");
        submitDialog();
        ready("workspace");
        assertThat(text("#tab-datastores")).contains("landing").contains("landingacct").contains("Sas");

        browser.findElement(By.cssSelector("button[data-datastore='landing']")).click();
        new Select(browser.findElement(By.id("cred-kind"))).selectByValue("AccountKey");
        browser.findElement(By.id("cred-secret")).sendKeys("bmV3LWtleQ==");
        browser.findElement(By.id("cred-subscription")).sendKeys(server.subscriptionId());
        browser.findElement(By.id("cred-group")).sendKeys("rg1");
        submitDialog();
        String id = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw/datastores/landing";
        JsonNode shown = Json.parse(cli.ok("resource", "show", "--ids", id));
        assertThat(shown.path("properties").path("credentials").path("credentialsType").asText()).isEqualTo("AccountKey");
        assertThat(shown.path("properties").path("subscriptionId").asText()).isEqualTo(server.subscriptionId());
        assertThat(shown.path("properties").path("resourceGroup").asText()).isEqualTo("rg1");
        assertThat(shown.toString()).as("never returned by a read").doesNotContain("bmV3LWtleQ==");
        assertThat(Json.parse(cli.ok("resource", "invoke-action", "--action", "listSecrets", "--ids", id)).path("key")
                .asText()).as("what the dialog stored").isEqualTo("bmV3LWtleQ==");
        assertThat(text("#main")).doesNotContain("bmV3LWtleQ==").doesNotContain("sig=first");
    }

    @Test
    @Order(60)
    void aReaderSeesTheEndpointButItsTrafficChangeIsRefusedByRbacAndSigningOutForgetsTheToken() {
        cli.ok("ad", "user", "create", "--display-name", "Rae", "--user-principal-name", "rae@contoso.com",
                "--password", "Rae-pa55word-1", "-o", "none");
        cli.ok("role", "assignment", "create", "--assignee", "rae@contoso.com", "--role", "Reader", "--scope",
                "/subscriptions/" + server.subscriptionId(), "-o", "none");
        browser.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(session()).isNull();
        signIn("rae@contoso.com", "Rae-pa55word-1");
        ready("workspaces");
        openEndpoint();
        setPercent("live-blue", 50);
        setPercent("live-green", 50);
        setPercent("mirror-green", 0);
        browser.findElement(By.id("traffic-save")).click();
        WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#traffic .error")));
        assertThat(refusal.getText()).contains("AuthorizationFailed")
                .contains("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write");
        assertThat(traffic("traffic")).isEqualTo(Json.parse("{\"blue\":100,\"green\":0}"));
    }

    @Test
    @Order(70)
    void theStudioNamesNoOtherFileAndForbidsFramingAndInlineScript() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(HttpTransport.trusting(server.dataDirectory().resolve("tls/server.crt"))).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/studio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        for (String other : List.of("/studio/pom.xml", "/studio/..%2f..%2fsecrets%2fmaster.key", "/studio/StudioService.class")) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url() + other)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(other).isIn(400, 404);
            assertThat(refused.body()).doesNotContain("<project");
        }
    }

    @Test
    @Order(80)
    void aMovedWorkspaceShowsWhereItWentAndWhatStayedBehindWithTheCommandThatBringsItBack() throws Exception {
        cli.ok("group", "create", "-n", "rg2", "-l", "japaneast", "-o", "none");
        cli.ok("ml", "workspace", "create", "-n", "mlw2", "-g", "rg1", "-o", "none");
        Path iris = temporary.resolve("iris.csv");
        Files.writeString(iris, "a,b\n1,2\n");
        cli.ok("ml", "data", "create", "-n", "iris", "-v", "1", "--type", "uri_file", "--path", iris.toString(),
                "-w", "mlw2", "-g", "rg1", "-o", "none");
        String groups = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/";
        cli.ok("resource", "move", "--destination-group", "rg2", "--ids",
                groups + "rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw2", "-o", "none");

        openWorkspace("rg2/mlw2", "moves");
        String moves = text("#tab-moves");
        assertThat(moves).contains(groups + "rg1/").contains(groups + "rg2/").contains("iris:1")
                .contains("amlite ml data create -n iris -v 1 --type uri_file");
        openWorkspace("rg1/mlw", "moves");
        assertThat(text("#tab-moves")).contains("has not been moved");
    }

    /** A workspace's tab, e.g. ("rg1/mlw", "jobs"). */
    private static void openWorkspace(String groupAndWorkspace, String tab) {
        browser.get(server.url() + "/studio/#/ws/" + server.subscriptionId() + "/" + groupAndWorkspace + "/" + tab);
        ready("workspace");
    }

    private static void openEndpoint() {
        browser.get(server.url() + "/studio/#/ws/" + server.subscriptionId() + "/rg1/mlw/endpoints/shop");
        browser.navigate().refresh();
        ready("endpoint");
    }

    private static void signIn(String user, String password) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        type("username", user);
        type("password", password);
        browser.findElement(By.id("signin")).click();
    }

    private static void ready(String page) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#page-" + page + "[data-ready]")));
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static Object session() {
        return ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('amlite.studio.session')");
    }

    private static void setPercent(String id, int value) {
        type(id, Integer.toString(value));
    }

    /** Replaces what the field with this id holds. */
    private static void type(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** Submits the open dialog and waits for it to close: what it did succeeded. */
    private static void submitDialog() {
        browser.findElement(By.cssSelector("dialog button.primary")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("dialog"), 0));
    }

    /** Submits the open dialog and answers the error it shows, staying open. */
    private static String submitDialogRefused() {
        browser.findElement(By.cssSelector("dialog button.primary")).click();
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog .error"))).getText();
    }

    private static JsonNode traffic(String member) {
        return Json.parse(cli.ok("ml", "online-endpoint", "show", "-n", "shop", "--query", member));
    }
}
