package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 5's bad input: each gets a clear error (what was wrong, what is allowed) and changes nothing. */
class EndpointBadInputTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static Path serving;
    static String workspace;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        workspace = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("id").asText();
        serving = Path.of(EndpointBadInputTest.class.getResource("/serving").toURI());
        cli.ok("ml", "model", "create", "-n", "m", "-v", "1", "-p", serving.resolve("behaving/model").toString());
        cli.ok("ml", "code", "create", "-n", "good", "-v", "1", "-p", serving.resolve("behaving/code").toString());
        cli.ok("ml", "code", "create", "-n", "noinit", "-v", "1", "-p", serving.resolve("noinit").toString());
        cli.ok("ml", "code", "create", "-n", "initraises", "-v", "1", "-p", serving.resolve("initraises").toString());
        endpoint("epx");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void endpoint(String name) throws Exception {
        Path yaml = temporary.resolve(name + ".yml");
        Files.writeString(yaml, "name: " + name + "\nauth_mode: key\n");
        cli.ok("ml", "online-endpoint", "create", "-f", yaml.toString());
    }

    static Path yaml(String name, String body) throws Exception {
        Path file = temporary.resolve(name + "-" + Math.abs(body.hashCode()) + ".yml");
        Files.writeString(file, "name: " + name + "\nendpoint_name: epx\nmodel: azureml:m:1\n" + body);
        return file;
    }

    static String good() {
        return "code_configuration:\n  code: azureml:good:1\n  scoring_script: score.py\ninstance_type: Standard_DS1_v2\n";
    }

    static String refused(String... command) {
        Cli.Result result = cli.run(command);
        assertThat(result.exitCode()).as(result.out()).isNotZero();
        return result.err();
    }

    static String arm(String path) {
        return workspace + "/onlineEndpoints/" + path + "?api-version=2024-04-01";
    }

    @Test
    void namesOutsideTheRules() throws Exception {
        for (String name : List.of("ab", "1abc", "a--b", "abc-", "a_bc", "x".repeat(33))) {
            Path yaml = temporary.resolve("bad-" + name.length() + name.charAt(0) + ".yml");
            Files.writeString(yaml, "name: " + name + "\nauth_mode: key\n");
            assertThat(refused("ml", "online-endpoint", "create", "-f", yaml.toString()))
                    .contains("InvalidResourceName").contains("3 to 32 characters").contains("single hyphens");
            assertThat(cli.run("ml", "online-endpoint", "show", "-n", name).exitCode()).isEqualTo(3);
        }
        assertThat(refused("ml", "online-deployment", "create", "-f", yaml("bb-", good()).toString()))
                .contains("Deployment name 'bb-' is invalid");
        assertThat(refused("ml", "online-endpoint", "create", "-n", "ep2", "--auth-mode", "password"))
                .contains("auth_mode must be key or aml_token");
    }

    @Test
    void aRequestFileThatIsNotThereIsNamed() {
        Path missing = temporary.resolve("no-such-request.json");
        assertThat(refused("ml", "online-endpoint", "invoke", "-n", "epx", "--request-file", missing.toString()))
                .contains("The request file '" + missing + "' does not exist.");
        assertThat(refused("ml", "online-endpoint", "invoke", "-n", "epx", "--request-file", temporary.toString()))
                .contains("is a directory; give the JSON file to send");
    }

    @Test
    void trafficThatCannotBe() throws Exception {
        endpoint("fresh");
        assertThat(refused("ml", "online-endpoint", "update", "-n", "fresh", "--traffic", "blue=100"))
                .contains("no deployments yet");
        cli.ok("ml", "online-deployment", "create", "-n", "live", "-f", yaml("live", good()).toString(), "--all-traffic");
        assertThat(refused("ml", "online-endpoint", "update", "-n", "epx", "--traffic", "live=7"))
                .contains("adds up to 7%").contains("must add up to 100");
        assertThat(refused("ml", "online-endpoint", "update", "-n", "epx", "--traffic", "live=100 other=10"))
                .contains("does not have");
        assertThat(refused("ml", "online-endpoint", "update", "-n", "epx", "--traffic", "live=110"))
                .contains("from 0 to 100");
        assertThat(Json.parse(cli.ok("ml", "online-endpoint", "show", "-n", "epx", "--query", "traffic")).path("live")
                .asInt()).as("unchanged").isEqualTo(100);
        assertThat(refused("ml", "online-deployment", "delete", "-n", "live", "-e", "epx", "--yes"))
                .contains("still gets 100%").contains("--traffic");
        assertThat(cli.ok("ml", "online-deployment", "show", "-n", "live", "-e", "epx")).contains("Succeeded");
        assertThat(cli.ok("ml", "online-deployment", "list-skus", "-n", "live", "-e", "epx", "-o", "table").lines()
                .map(String::strip).toList()).contains("Standard_DS1_v2  Standard  1        50       1        Manual");
    }

    @Test
    void sizesCountsAndQuota() throws Exception {
        String base = "code_configuration:\n  code: azureml:good:1\n  scoring_script: score.py\n";
        assertThat(refused("ml", "online-deployment", "create", "-f",
                yaml("huge", base + "instance_type: Standard_DS1_v2\ninstance_count: 51\n").toString()))
                .contains("instance_count must be from 1 to 50");
        assertThat(refused("ml", "online-deployment", "create", "-f",
                yaml("nosuch", base + "instance_type: Standard_XYZ\n").toString()))
                .contains("'Standard_XYZ' is not a known VM size")
                .contains("'amlite vm list-sizes -l japaneast -o table' shows the sizes");
        assertThat(cli.ok("vm", "list-sizes", "-l", "japaneast", "-o", "table")).contains("Standard_DS1_v2");
        assertThat(refused("ml", "online-deployment", "create", "-f",
                yaml("many", base + "instance_type: Standard_DS3_v2\ninstance_count: 40\n").toString()))
                .contains("QuotaExceeded").contains("standardDSv2Family").contains("japaneast")
                .contains("limit of 100 vCPUs").contains("usage of");
        assertThat(refused("ml", "online-deployment", "create", "-f",
                yaml("gpu", base + "instance_type: Standard_NC6s_v3\n").toString()))
                .contains("QuotaExceeded").contains("standardNCSv3Family").contains("limit of 0 vCPUs");
        for (String name : List.of("huge", "nosuch", "many", "gpu")) {
            assertThat(cli.run("ml", "online-deployment", "show", "-n", name, "-e", "epx").exitCode()).isEqualTo(3);
        }
        Path missing = temporary.resolve("missing.yml");
        Files.writeString(missing, "name: lost\nendpoint_name: epx\nmodel:\n  path: ./no-such-model\n" + base
                + "instance_type: Standard_DS1_v2\n");
        assertThat(refused("ml", "online-deployment", "create", "-f", missing.toString()))
                .contains("no-such-model").contains("does not exist");
        assertThat(refused("ml", "online-deployment", "create", "-f",
                yaml("nomodel", "model: azureml:m:9\n" + base + "instance_type: Standard_DS1_v2\n").toString()))
                .contains("Model 'm' version '9' does not exist");
    }

    @Test
    void scoringScriptsThatCannotServeFailWithTheirOwnError() throws Exception {
        String noInit = refused("ml", "online-deployment", "create", "-f", yaml("noinit",
                "code_configuration:\n  code: azureml:noinit:1\n  scoring_script: score.py\ninstance_type: Standard_DS1_v2\n")
                .toString());
        assertThat(noInit).contains("ResourceNotReady").contains("must define init() and run(raw_data); it has no init()");
        assertThat(cli.ok("ml", "online-deployment", "show", "-n", "noinit", "-e", "epx")).contains("Failed");
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "noinit", "-e", "epx")).contains("it has no init()");
        String raises = refused("ml", "online-deployment", "create", "-f", yaml("raises",
                "code_configuration:\n  code: azureml:initraises:1\n  scoring_script: score.py\ninstance_type: Standard_DS1_v2\n")
                .toString());
        assertThat(raises).contains("init() of the scoring script raised").contains("the model file is corrupt");
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "raises", "-e", "epx"))
                .contains("RuntimeError: the model file is corrupt");
    }

    @Test
    void aTwentyFirstDeploymentIsRefused() throws Exception {
        endpoint("crowded");
        String body = "{\"properties\": {\"model\": \"azureml:m:1\", \"codeConfiguration\": {\"codeId\": \"azureml:noinit:1\","
                + " \"scoringScript\": \"score.py\"}, \"instanceType\": \"Standard_DS1_v2\"}, \"sku\": {\"capacity\": 1}}";
        String token = server.adminToken();
        for (int i = 1; i <= 20; i++) {
            TestServer.Answer created = server.call("PUT", workspace + "/onlineEndpoints/crowded/deployments/dep" + i
                    + "?api-version=2024-04-01", token, body);
            assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
            assertThat(created.headers().firstValue("Azure-AsyncOperation")).isPresent();
        }
        TestServer.Answer refused = server.call("PUT", workspace + "/onlineEndpoints/crowded/deployments/dep21"
                + "?api-version=2024-04-01", token, body);
        assertThat(refused.code()).isEqualTo("OperationNotAllowed");
        assertThat(refused.message()).contains("has 20 deployments, the most an endpoint can have (20)");
        JsonNode list = server.call("GET", workspace + "/onlineEndpoints/crowded/deployments?api-version=2024-04-01",
                token, (String) null).body();
        assertThat(list.path("value")).hasSize(20);
    }
}
