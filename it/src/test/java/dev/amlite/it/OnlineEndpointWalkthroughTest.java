package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 004's safe rollout through the amlite CLI against a real server, with the example's two models: blue is a
 * scikit-learn regression (Debian's /usr/bin/python3), green a stdlib-only linear model. Then the example's own
 * walkthrough script, as the README tells users to run it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineEndpointWalkthroughTest {
    static final Path EXAMPLE = Cli.root().resolve("examples/safe-rollout");
    static final String E = "my-endpoint";
    static final String SAMPLE_1 = EXAMPLE.resolve("endpoints/online/model-1/sample-request.json").toString();
    static final String SAMPLE_2 = EXAMPLE.resolve("endpoints/online/model-2/sample-request.json").toString();
    static final String YAMLS = EXAMPLE.resolve("endpoints/online/managed/sample").toString();
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        Process train = new ProcessBuilder("/usr/bin/python3", EXAMPLE.resolve("train.py").toString())
                .redirectErrorStream(true).start();
        assertThat(train.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(train.exitValue()).as(new String(train.getInputStream().readAllBytes())).isZero();
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The model-1 (Ridge) predictions of the sample request, computed by scikit-learn itself. */
    static JsonNode expectedBlue() throws Exception {
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", "import joblib, json, numpy; m = joblib.load('"
                + EXAMPLE.resolve("endpoints/online/model-1/model/sklearn_regression_model.pkl") + "'); "
                + "print(json.dumps(m.predict(numpy.array(json.load(open('" + SAMPLE_1 + "'))['data'])).tolist()))")
                .redirectErrorStream(true).start();
        String out = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Json.parse(out);
    }

    @Test
    @Order(1)
    void seedWalkthroughWithBothModels() throws Exception {
        JsonNode endpoint = Json.parse(cli.ok("ml", "online-endpoint", "create", "--name", E, "-f",
                YAMLS + "/endpoint.yml"));
        assertThat(endpoint.path("auth_mode").asText()).isEqualTo("key");
        assertThat(endpoint.path("provisioning_state").asText()).isEqualTo("Succeeded");
        assertThat(endpoint.path("scoring_uri").asText()).isEqualTo(server.scoringUrl() + "/inference/japaneast/" + E + "/score");

        JsonNode blue = Json.parse(cli.ok("ml", "online-deployment", "create", "--name", "blue", "--endpoint-name", E,
                "-f", YAMLS + "/blue-deployment.yml", "--all-traffic"));
        assertThat(blue.path("provisioning_state").asText()).isEqualTo("Succeeded");
        assertThat(blue.path("instance_type").asText()).isEqualTo("Standard_DS3_v2");
        assertThat(blue.path("model").asText()).startsWith("azureml:/subscriptions/").contains("/models/");
        assertThat(Json.parse(cli.ok("ml", "online-endpoint", "show", "--name", E)).path("traffic").path("blue").asInt())
                .isEqualTo(100);
        assertThat(Json.parse(cli.ok("ml", "online-deployment", "show", "--name", "blue", "--endpoint", E))
                .path("instance_count").asInt()).isEqualTo(1);

        JsonNode expected = expectedBlue();
        JsonNode scored = Json.parse(cli.ok("ml", "online-endpoint", "invoke", "--name", E, "--request-file", SAMPLE_1));
        assertThat(scored).hasSize(2);
        assertThat(scored.get(0).asDouble()).isCloseTo(expected.get(0).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(scored.get(1).asDouble()).isCloseTo(expected.get(1).asDouble(), org.assertj.core.data.Offset.offset(1e-6));

        cli.ok("ml", "online-deployment", "update", "--name", "blue", "--endpoint-name", E, "--set", "instance_count=2");
        JsonNode metrics = Json.parse(cli.ok("ml", "online-deployment", "get-metrics", "-n", "blue", "-e", E));
        assertThat(metrics.path("readyInstances").asInt()).isEqualTo(2);

        cli.ok("ml", "online-deployment", "create", "--name", "green", "--endpoint-name", E, "-f",
                YAMLS + "/green-deployment.yml");
        JsonNode traffic = Json.parse(cli.ok("ml", "online-endpoint", "show", "-n", E, "--query", "traffic"));
        assertThat(traffic.path("blue").asInt()).isEqualTo(100);
        assertThat(traffic.path("green").asInt(0)).isZero();

        JsonNode green = Json.parse(cli.ok("ml", "online-endpoint", "invoke", "--name", E, "--deployment-name", "green",
                "--request-file", SAMPLE_2));
        // model 2: intercept + sum(c * x / 100)
        assertThat(green.get(0).asDouble()).isCloseTo(greenPrediction(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
                org.assertj.core.data.Offset.offset(1e-9));

        String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", E, "-o", "tsv", "--query", "primaryKey").strip();
        String uri = cli.ok("ml", "online-endpoint", "show", "-n", E, "-o", "tsv", "--query", "scoring_uri").strip();
        HttpResponse<String> direct = server.http().send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("azureml-model-deployment", "green")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of(SAMPLE_2))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.headers().firstValue("azureml-model-deployment")).hasValue("green");
        assertThat(direct.headers().firstValue("x-request-id")).isPresent();
        assertThat(Json.parse(direct.body())).isEqualTo(green);

        cli.ok("ml", "online-endpoint", "update", "--name", E, "--mirror-traffic", "green=10");
        for (int i = 0; i < 20; i++) {
            assertThat(Json.parse(cli.ok("ml", "online-endpoint", "invoke", "--name", E, "--request-file", SAMPLE_1)))
                    .as("the client gets blue's answer only").isEqualTo(scored);
        }
        String logs = cli.ok("ml", "online-deployment", "get-logs", "--name", "green", "--endpoint", E);
        // Two pinned requests above and 10% of 20 mirrored ones.
        assertThat(logs.lines().filter(l -> l.contains("model 2: request received")).count()).isEqualTo(4);
        JsonNode greenMetrics = Json.parse(cli.ok("ml", "online-deployment", "get-metrics", "-n", "green", "-e", E));
        assertThat(greenMetrics.path("mirrored").path("requests").asInt()).isEqualTo(2);

        cli.ok("ml", "online-endpoint", "update", "--name", E, "--mirror-traffic", "green=0");
        cli.ok("ml", "online-endpoint", "update", "--name", E, "--traffic", "blue=90 green=10");
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> answer = server.http().send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(Path.of(SAMPLE_1))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            served.add(answer.headers().firstValue("azureml-model-deployment").orElseThrow());
        }
        assertThat(served.stream().filter("green"::equals).count()).as("exactly 10% of 20").isEqualTo(2);
        cli.ok("ml", "online-endpoint", "update", "--name", E, "--traffic", "blue=0 green=100");
        assertThat(Json.parse(cli.ok("ml", "online-endpoint", "invoke", "--name", E, "--request-file", SAMPLE_2)))
                .isEqualTo(green);

        String blueModel = blue.path("model").asText().replaceFirst("^azureml:", "");
        Cli.Result inUse = cli.run("resource", "delete", "--ids", blueModel);
        assertThat(inUse.exitCode()).as("a serving deployment's model is not deleted under it").isNotZero();
        assertThat(inUse.err()).contains("Conflict").contains("online deployment 'blue' of endpoint '" + E + "'")
                .contains("amlite ml model archive");
        cli.ok("ml", "online-deployment", "delete", "--name", "blue", "--endpoint", E, "--yes", "--no-wait");
        awaitGone("online-deployment", "show", "--name", "blue", "--endpoint", E);
        cli.ok("resource", "delete", "--ids", blueModel);
        assertThat(cli.run("resource", "show", "--ids", blueModel).exitCode()).isEqualTo(3);
        assertThat(Json.parse(cli.ok("ml", "online-endpoint", "invoke", "--name", E, "--request-file", SAMPLE_2)))
                .as("deleting blue leaves green serving").isEqualTo(green);
        Cli.Result deleted = cli.run("ml", "online-endpoint", "invoke", "--name", E, "--deployment-name", "blue",
                "--request-file", SAMPLE_1);
        assertThat(deleted.exitCode()).isNotZero();
        assertThat(deleted.err()).contains("404").contains("has no deployment 'blue'");

        cli.ok("ml", "online-endpoint", "delete", "--name", E, "--yes", "--no-wait");
        awaitGone("online-endpoint", "show", "--name", E);
        HttpResponse<String> gone = server.http().send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(404);
    }

    static double greenPrediction(List<Integer> row) throws Exception {
        JsonNode model = Json.parse(Files.readString(EXAMPLE.resolve("endpoints/online/model-2/model/linear_model.json")));
        double sum = model.path("intercept").asDouble();
        for (int i = 0; i < row.size(); i++) {
            sum += model.path("coefficients").get(i).asDouble() * row.get(i) / 100.0;
        }
        return sum;
    }

    private static void awaitGone(String... show) throws InterruptedException {
        String[] command = new String[show.length + 1];
        command[0] = "ml";
        System.arraycopy(show, 0, command, 1, show.length);
        for (int i = 0; i < 100; i++) {
            if (cli.run(command).exitCode() == 3) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(String.join(" ", show) + " still exists");
    }

    @Test
    @Order(2)
    void theExampleScriptRunsAsTheReadmeSays() throws Exception {
        Path bin = temporary.resolve("bin");
        Files.createDirectories(bin);
        Path link = bin.resolve("amlite");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Cli.root().resolve("amlite"));
        ProcessBuilder script = new ProcessBuilder("bash", EXAMPLE.resolve("walkthrough.sh").toString());
        script.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        script.environment().put("AMLITE_CONFIG_DIR", temporary.resolve("config").toString());
        script.environment().put("AMLITE_NO_BUILD", "1");
        script.environment().put("ENDPOINT_NAME", "script-endpoint");
        // Nothing says where the server's certificate is: the script finds it where `amlite up` makes it.
        Path home = temporary.resolve("home");
        Files.createDirectories(home.resolve(".amlite"));
        Files.deleteIfExists(home.resolve(".amlite/data"));
        Files.createSymbolicLink(home.resolve(".amlite/data"), server.dataDirectory().toAbsolutePath());
        script.environment().put("HOME", home.toString());
        script.environment().remove("CURL_CA");
        script.environment().remove("AMLITE_DATA_DIR");
        script.redirectErrorStream(true);
        Path output = temporary.resolve("walkthrough.log");
        script.redirectOutput(output.toFile());
        Process process = script.start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(output);
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("\"blue\": 90").contains("\"green\": 100");
    }
}
