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
        Path source = temporary.resolve("src/demo/Multiplier.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package demo;

                import dev.amlite.scoring.ScoringScript;
                import java.nio.file.Files;
                import java.nio.file.Path;

                public class Multiplier implements ScoringScript {
                    private double factor;

                    @Override
                    public void init(Path modelDir) throws Exception {
                        factor = Double.parseDouble(Files.readString(modelDir.resolve("model/factor.txt")).strip());
                        System.err.println("Multiplier ready with factor " + factor);
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
        Path code = temporary.resolve("java-code");
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

    @Test
    void javaScoringScriptServesInItsOwnJvm() throws Exception {
        Path code = javaCode();
        Path model = temporary.resolve("java-model/model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("factor.txt"), "2.5\n");
        Path endpoint = temporary.resolve("java-endpoint.yml");
        Files.writeString(endpoint, "name: java-ep\nauth_mode: key\n");
        cli.ok("ml", "online-endpoint", "create", "-f", endpoint.toString());
        Path yaml = temporary.resolve("java-deployment.yml");
        Files.writeString(yaml, "name: jvm\nendpoint_name: java-ep\nmodel:\n  path: " + model + "\n"
                + "code_configuration:\n  code: " + code + "\n  scoring_script: scorer.jar\n"
                + "instance_type: Standard_DS2_v2\ninstance_count: 1\n"
                + "request_settings:\n  request_timeout_ms: 800\n");
        cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic");
        Path request = temporary.resolve("x.json");
        Files.writeString(request, "{\"x\": 4}");
        JsonNode answer = Json.parse(cli.ok("ml", "online-endpoint", "invoke", "-n", "java-ep", "--request-file",
                request.toString()));
        assertThat(answer.path("y").asDouble()).isEqualTo(10.0);

        String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "java-ep", "-o", "tsv", "--query",
                "primaryKey").strip();
        HttpResponse<String> failed = post("java-ep", key, "{\"fail\": 1}");
        assertThat(failed.statusCode()).isEqualTo(424);
        assertThat(failed.body()).contains("IllegalArgumentException: cannot score");
        HttpResponse<String> slow = post("java-ep", key, "{\"sleep\": 1}");
        assertThat(slow.statusCode()).isEqualTo(408);
        assertThat(post("java-ep", key, "{\"x\": 2}").statusCode()).isEqualTo(200);
        String logs = cli.ok("ml", "online-deployment", "get-logs", "-n", "jvm", "-e", "java-ep");
        assertThat(logs).contains("Multiplier ready with factor 2.5").contains("cancelled after 800 ms")
                .contains("java.lang.IllegalArgumentException: cannot score").doesNotContain("sleep finished");
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
        JsonNode state = Json.parse(offline.ok("ml", "online-deployment", "create", "--local", "-f", yaml.toString()));
        assertThat(state.path("scoring_uri").asText()).startsWith("http://127.0.0.1:");
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
    }
}
