package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.scoring.ScoringScript;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** EP-8's Java runtime (a ScoringScript in a jar, in its own JVM) and EP-9's --local, through the CLI. */
class RuntimesTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Compiles a ScoringScript into code/scorer.jar, naming its class in the manifest. */
    static Path javaCode() throws Exception {
        Path code = temporary.resolve("java-code");
        if (Files.exists(code.resolve("scorer.jar"))) {
            return code; // compiled by an earlier test: a deployment may still be reading it
        }
        Path source = temporary.resolve("src/demo/Multiplier.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package demo;

                import com.sun.management.HotSpotDiagnosticMXBean;
                import dev.amlite.scoring.ScoringScript;
                import java.lang.management.GarbageCollectorMXBean;
                import java.lang.management.ManagementFactory;
                import java.nio.file.Files;
                import java.nio.file.Path;

                public class Multiplier implements ScoringScript {
                    private double factor;

                    @Override
                    public void init(Path modelDir) throws Exception {
                        factor = Double.parseDouble(Files.readString(modelDir.resolve("model/factor.txt")).strip());
                        System.err.println("Multiplier ready with factor " + factor);
                        System.err.println("JVM: collectors " + ManagementFactory.getGarbageCollectorMXBeans().stream()
                                .map(GarbageCollectorMXBean::getName).sorted().toList() + ", TieredStopAtLevel "
                                + ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                                        .getVMOption("TieredStopAtLevel").getValue());
                    }

                    @Override
                    public String run(String rawData) throws Exception {
                        if (rawData.contains("sleep")) {
                            Thread.sleep(10_000);
                            System.err.println("sleep finished");
                        }
                        if (rawData.contains("fail")) {
                            throw new IllegalArgumentException("cannot score " + rawData.strip());
                        }
                        double x = Double.parseDouble(rawData.replaceAll("[^0-9.]", ""));
                        return "{\\"y\\": " + (x * factor) + "}";
                    }
                }
                """);
        Path classes = temporary.resolve("classes");
        Files.createDirectories(classes);
        String api = Path.of(ScoringScript.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", api, "-d", classes.toString(),
                source.toString());
        assertThat(compiled).isZero();
        Files.createDirectories(code);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Amlite-Scoring-Class", "demo.Multiplier");
        try (OutputStream out = Files.newOutputStream(code.resolve("scorer.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("demo/Multiplier.class"));
            jar.write(Files.readAllBytes(classes.resolve("demo/Multiplier.class")));
            jar.closeEntry();
        }
        return code;
    }

    /**
     * Deploys the Multiplier with {@code factor} as {@code deployment} on a new key-auth endpoint with all its
     * traffic; {@code settings} is more deployment YAML. Answers what the endpoint returns for {"x": 4}.
     */
    static double deployMultiplier(String endpoint, String deployment, String factor, String settings) throws Exception {
        Path code = javaCode();
        Path model = temporary.resolve(endpoint + "-model/model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("factor.txt"), factor + "\n");
        Path endpointYaml = temporary.resolve(endpoint + ".yml");
        Files.writeString(endpointYaml, "name: " + endpoint + "\nauth_mode: key\n");
        cli.ok("ml", "online-endpoint", "create", "-f", endpointYaml.toString());
        Path yaml = temporary.resolve(endpoint + "-" + deployment + ".yml");
        Files.writeString(yaml, "name: " + deployment + "\nendpoint_name: " + endpoint + "\nmodel:\n  path: " + model
                + "\ncode_configuration:\n  code: " + code + "\n  scoring_script: scorer.jar\n"
                + "instance_type: Standard_DS2_v2\ninstance_count: 1\n" + settings);
        cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic");
        Path request = temporary.resolve(endpoint + "-x.json");
        Files.writeString(request, "{\"x\": 4}");
        return Json.parse(cli.ok("ml", "online-endpoint", "invoke", "-n", endpoint, "--request-file",
                request.toString())).path("y").asDouble();
    }

    @Test
    void javaScoringScriptServesInItsOwnJvm() throws Exception {
        assertThat(deployMultiplier("java-ep", "jvm", "2.5", "request_settings:\n  request_timeout_ms: 800\n"))
                .isEqualTo(10.0);

        String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "java-ep", "-o", "tsv", "--query",
                "primaryKey").strip();
        HttpResponse<String> failed = post("java-ep", key, "{\"fail\": 1}");
        assertThat(failed.statusCode()).isEqualTo(424);
        assertThat(failed.body()).contains("IllegalArgumentException: cannot score");
        HttpResponse<String> slow = post("java-ep", key, "{\"sleep\": 1}");
        assertThat(slow.statusCode()).isEqualTo(408);
        assertThat(post("java-ep", key, "{\"x\": 2}").statusCode()).isEqualTo(200);
        String logs = cli.ok("ml", "online-deployment", "get-logs", "-n", "jvm", "-e", "java-ep");
        // The JVM's own JIT (C1 then C2: a model that computes runs faster than on C1 alone) and the serial collector.
        assertThat(logs).contains("JVM: collectors [Copy, MarkSweepCompact], TieredStopAtLevel 4");
        assertThat(logs).contains("Multiplier ready with factor 2.5").contains("cancelled after 800 ms")
                .contains("java.lang.IllegalArgumentException: cannot score").doesNotContain("sleep finished");
    }

    @Test
    void javaDeploymentTakesJvmOptionsFromItsEnvironment() throws Exception {
        // A collector of the user's choosing: amlite's serial collector beside it would make the JVM refuse to start.
        assertThat(deployMultiplier("options-ep", "parallel", "3",
                "environment_variables:\n  JDK_JAVA_OPTIONS: -XX:+UseParallelGC -XX:TieredStopAtLevel=1\n"))
                .isEqualTo(12.0);
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "parallel", "-e", "options-ep"))
                .contains("JVM: collectors [PS MarkSweep, PS Scavenge], TieredStopAtLevel 1");
    }

    @Test
    void aRawhttpScoringScriptSeesTheRequestAndAnswersItsOwnStatus() throws Exception {
        // Azure's "advanced entry script": @rawhttp gives run() the request, an AMLResponse is answered as it is.
        Path code = temporary.resolve("raw-code");
        Files.createDirectories(code);
        Files.writeString(code.resolve("score.py"), """
                import json
                from azureml.contrib.services.aml_request import AMLRequest, rawhttp
                from azureml.contrib.services.aml_response import AMLResponse

                def init():
                    print("raw init")

                @rawhttp
                def run(request):
                    data = request.get_json(silent=True)
                    if not isinstance(data, dict) or "x" not in data:
                        return AMLResponse({"error": "x is required", "got": request.get_data(as_text=True)}, 400,
                                           json_str=True)
                    if data["x"] == "teapot":
                        return AMLResponse("short and stout", 418)
                    if data["x"] == "fail":
                        raise ValueError("cannot score a fail")
                    return {"y": data["x"] * 2, "method": request.method}
                """);
        Path model = temporary.resolve("raw-model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("none.txt"), "x");
        Path yaml = temporary.resolve("raw.yml");
        Files.writeString(yaml, "name: raw\nendpoint_name: raw-ep\nmodel:\n  path: " + model + "\ncode_configuration:\n"
                + "  code: " + code + "\n  scoring_script: score.py\ninstance_type: Standard_DS2_v2\n");
        cli.ok("ml", "online-endpoint", "create", "-n", "raw-ep", "-o", "none");
        cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic", "-o", "none");
        String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "raw-ep", "-o", "tsv", "--query",
                "primaryKey").strip();

        HttpResponse<String> scored = post("raw-ep", key, "{\"x\": 4}");
        assertThat(scored.statusCode()).isEqualTo(200);
        assertThat(Json.parse(scored.body()).path("y").asInt()).isEqualTo(8);
        assertThat(Json.parse(scored.body()).path("method").asText()).isEqualTo("POST");
        HttpResponse<String> refused = post("raw-ep", key, "{\"z\": 1}");
        assertThat(refused.statusCode()).as("the script's own status, not a failure").isEqualTo(400);
        assertThat(Json.parse(refused.body()).path("error").asText()).isEqualTo("x is required");
        assertThat(Json.parse(refused.body()).path("got").asText()).isEqualTo("{\"z\": 1}");
        assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        assertThat(refused.headers().firstValue("azureml-model-deployment")).hasValue("raw");
        HttpResponse<String> teapot = post("raw-ep", key, "{\"x\": \"teapot\"}");
        assertThat(teapot.statusCode()).isEqualTo(418);
        assertThat(teapot.body()).isEqualTo("short and stout");
        // An exception is still the model failing: 424 with its error.
        HttpResponse<String> failed = post("raw-ep", key, "{\"x\": \"fail\"}");
        assertThat(failed.statusCode()).isEqualTo(424);
        assertThat(failed.body()).contains("ValueError: cannot score a fail");
    }

    static HttpResponse<String> post(String endpoint, String key, String body) throws Exception {
        return server.http().send(HttpRequest.newBuilder(URI.create(server.scoringUrl() + "/inference/japaneast/" + endpoint
                        + "/score")).header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void localDeploymentServesWithoutAServer() throws Exception {
        Path yaml = BehavingDeployment.yaml(temporary, "local-ep", "blue", "");
        // A CLI with no login at all: --local needs no server.
        Cli offline = new Cli(temporary.resolve("offline-config"));
        // Azure's local-debugging steps: the endpoint first, then its deployment.
        JsonNode endpoint = Json.parse(offline.ok("ml", "online-endpoint", "create", "--local", "-n", "local-ep",
                "--auth-mode", "key"));
        assertThat(endpoint.path("location").asText()).isEqualTo("local");
        assertThat(endpoint.path("traffic").size()).isZero();
        JsonNode state = Json.parse(offline.ok("ml", "online-deployment", "create", "--local", "-f", yaml.toString()));
        assertThat(state.path("scoring_uri").asText()).startsWith("http://127.0.0.1:");
        JsonNode shown = Json.parse(offline.ok("ml", "online-endpoint", "show", "--local", "-n", "local-ep"));
        assertThat(shown.path("provisioning_state").asText()).isEqualTo("Succeeded");
        assertThat(shown.path("scoring_uri").asText()).isEqualTo(state.path("scoring_uri").asText());
        assertThat(shown.path("traffic").path("blue").asInt()).isEqualTo(100);
        assertThat(offline.ok("ml", "online-endpoint", "list", "--local", "--query", "[].name", "-o", "tsv").strip())
                .isEqualTo("local-ep");
        assertThat(offline.ok("ml", "online-deployment", "list", "--local", "-e", "local-ep", "--query", "[].name",
                "-o", "tsv").strip()).isEqualTo("blue");
        assertThat(offline.ok("ml", "online-deployment", "show", "--local", "-n", "blue", "-e", "local-ep",
                "--query", "provisioning_state", "-o", "tsv").strip()).isEqualTo("Succeeded");
        // Its settings change; what is not named stays, and traffic is not a local endpoint's to set.
        offline.ok("ml", "online-endpoint", "update", "--local", "-n", "local-ep", "--set", "description=debugging",
                "--set", "tags.owner=me", "-o", "none");
        JsonNode updated = Json.parse(offline.ok("ml", "online-endpoint", "update", "--local", "-n", "local-ep",
                "--set", "tags.stage=dev"));
        assertThat(updated.path("description").asText()).isEqualTo("debugging");
        assertThat(updated.path("tags").path("owner").asText()).isEqualTo("me");
        assertThat(updated.path("tags").path("stage").asText()).isEqualTo("dev");
        assertThat(updated.path("traffic").path("blue").asInt()).isEqualTo(100);
        Cli.Result split = offline.run("ml", "online-endpoint", "update", "--local", "-n", "local-ep", "--traffic",
                "blue=50");
        assertThat(split.exitCode()).isEqualTo(2);
        assertThat(split.err()).contains("A local endpoint sends all its traffic to its one deployment");
        assertThat(offline.run("ml", "online-endpoint", "update", "--local", "-n", "nowhere", "--set", "description=x")
                .err()).contains("There is no local endpoint 'nowhere'");
        Cli.Result outside = offline.run("ml", "online-endpoint", "create", "--local", "-n", "../outside");
        assertThat(outside.exitCode()).isEqualTo(1);
        assertThat(outside.err()).contains("Endpoint name '../outside' is invalid");
        assertThat(temporary.resolve("offline-config").resolve("outside")).doesNotExist();
        Path request = temporary.resolve("local-request.json");
        Files.writeString(request, "{\"data\": [1, 2]}");
        JsonNode answer = Json.parse(offline.ok("ml", "online-endpoint", "invoke", "--local", "-n", "local-ep",
                "--request-file", request.toString()));
        assertThat(answer.path("score").asDouble()).isEqualTo(3.5);
        assertThat(answer.path("deployment").asText()).isEqualTo("blue");
        assertThat(offline.ok("ml", "online-deployment", "get-logs", "--local", "-n", "blue", "-e", "local-ep"))
                .contains("behaving init");
        long pid = state.path("pid").asLong();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
        offline.ok("ml", "online-deployment", "delete", "--local", "-n", "blue", "-e", "local-ep");
        Thread.sleep(200);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(offline.run("ml", "online-endpoint", "invoke", "--local", "-n", "local-ep", "--request-file",
                request.toString()).err()).contains("has no deployment");
        assertThat(offline.run("ml", "online-deployment", "delete", "--local", "-n", "blue", "-e", "local-ep")
                .exitCode()).as("gone already").isEqualTo(3);

        // Deleting the endpoint stops what it still serves.
        long again = Json.parse(offline.ok("ml", "online-deployment", "create", "--local", "-f", yaml.toString()))
                .path("pid").asLong();
        offline.ok("ml", "online-endpoint", "delete", "--local", "-n", "local-ep", "--yes");
        Thread.sleep(200);
        assertThat(ProcessHandle.of(again).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(offline.run("ml", "online-endpoint", "show", "--local", "-n", "local-ep").err())
                .contains("There is no local endpoint 'local-ep'");
    }
}
