package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC CO-1: Azure's official JavaScript management client ({@code @azure/arm-machinelearning}, pinned in
 * it/compat/package-lock.json) drives workspaces on amlite over HTTPS with a token amlite issued: create (an LRO),
 * get, list, update, listKeys, resyncKeys, diagnose, connections, private endpoint connections and delete.
 */
class OfficialClientCompatibilityTest {
    static final Path COMPAT = Cli.root().resolve("it").resolve("compat");
    @TempDir
    static Path temporary;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isDirectory(COMPAT.resolve("node_modules").resolve("@azure").resolve("arm-machinelearning"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), null);
        }
        server = TestServer.start(temporary.resolve("data"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String run(List<String> command, Path caFile) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(COMPAT.toFile());
        if (caFile != null) {
            builder.environment().put("NODE_EXTRA_CA_CERTS", caFile.toString());
        }
        Path out = Files.createTempFile("node-out", ".txt");
        Path err = Files.createTempFile("node-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 180 s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(command + " failed:\n" + stderr).isZero();
        return stdout;
    }

    @Test
    void theOfficialJavaScriptClientManagesWorkspacesModelsAndEnvironments() throws Exception {
        String token = server.adminToken();
        assertThat(server.call("PUT", "/subscriptions/" + server.subscriptionId() + "/resourceGroups/js?api-version=2022-09-01",
                token, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
        String output = run(List.of("node", "workspaces.js", server.url(), token, server.subscriptionId(), "js"),
                server.dataDirectory().resolve("tls").resolve("server.crt"));
        JsonNode seen = Json.parse(output.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(seen.path("created").path("provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(seen.path("created").path("workspaceId").asText()).matches("[0-9a-f-]{36}");
        assertThat(seen.path("created").path("storageAccount").asText()).contains("/resourceGroups/js/providers/Microsoft.Storage/");
        assertThat(seen.path("created").path("identityType").asText()).isEqualTo("SystemAssigned");
        assertThat(seen.path("fetchedFriendlyName").asText()).isEqualTo("from JavaScript");
        assertThat(seen.path("listed").toString()).contains("compat-ws");
        assertThat(seen.path("updatedDescription").asText()).isEqualTo("updated from JavaScript");
        assertThat(seen.path("hasStorageKey").asBoolean()).isTrue();
        assertThat(seen.path("diagnosisGroups")).hasSize(9);
        assertThat(seen.path("connections").get(0).path("category").asText()).isEqualTo("Git");
        assertThat(seen.path("connections").get(0).path("leaked").asBoolean()).isFalse();
        assertThat(seen.path("environment").path("image").asText()).isEqualTo("python:3.11-slim");
        assertThat(seen.path("environment").path("osType").asText()).isEqualTo("Linux");
        assertThat(seen.path("environmentFetched").asText()).isEqualTo("from JavaScript");
        assertThat(seen.path("model").path("modelType").asText()).isEqualTo("CustomModel");
        assertThat(seen.path("model").path("tags").path("source").asText()).isEqualTo("js");
        assertThat(seen.path("modelNextVersion").asText()).isEqualTo("2");
        assertThat(seen.path("modelVersions").toString()).isEqualTo("[\"1\"]");
        assertThat(seen.path("duplicate").asInt()).isEqualTo(409);
        assertThat(seen.path("afterDelete").asInt()).isEqualTo(404);
    }

    @Test
    void theOfficialResourcesClientValidatesAndMovesAWorkspace() throws Exception {
        if (!Files.isDirectory(COMPAT.resolve("node_modules").resolve("@azure").resolve("arm-resources"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), null);
        }
        Cli cli = Cli.withWorkspace(server, temporary.resolve("move-config"));
        String destination = Json.parse(cli.ok("account", "create", "--display-name", "js-destination"))
                .path("subscriptionId").asText();
        cli.ok("group", "create", "-g", "js-destination", "-l", "japaneast", "--subscription", destination, "-o", "none");
        String token = server.adminToken();
        String target = "/subscriptions/" + destination + "/resourceGroups/js-destination";
        String output = run(List.of("node", "move.js", server.url(), token, server.subscriptionId(), "rg1", "mlw", target),
                server.dataDirectory().resolve("tls").resolve("server.crt"));
        JsonNode seen = Json.parse(output.lines().reduce((a, b) -> b).orElseThrow());
        // The client's poller fails the operation with its error's message (core-lro keeps no code for it).
        assertThat(seen.path("invalid").path("message").asText()).as(seen.toString())
                .contains("cannot be done").contains("1 problem(s)");
        assertThat(seen.path("validated").asBoolean()).isTrue();
        assertThat(seen.path("moved").asBoolean()).isTrue();
        String api = "?api-version=2024-04-01";
        assertThat(server.call("GET", target + "/providers/Microsoft.MachineLearningServices/workspaces/mlw" + api,
                token, (String) null).status()).isEqualTo(200);
        assertThat(server.call("GET", "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                + "Microsoft.MachineLearningServices/workspaces/mlw" + api, token, (String) null).status()).isEqualTo(404);
    }
}
