package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AccessToken;
import dev.amlite.sdk.AmliteClient;
import dev.amlite.sdk.AmliteClientBuilder;
import dev.amlite.sdk.AmliteException;
import dev.amlite.sdk.ml.Workspace;
import dev.amlite.sdk.ml.WorkspaceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SDK-2's asset operations and seed 003's datastore methods on Workspace, against a real server. */
class AssetsSdkTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static AmliteClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        String token = server.adminToken();
        client = new AmliteClientBuilder().endpoint(server.url())
                .caFile(server.dataDirectory().resolve("tls").resolve("server.crt"))
                .credential(() -> new AccessToken(token, Instant.now().plusSeconds(3000)))
                .subscriptionId(server.subscriptionId()).buildClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void modelsEnvironmentsAndDatastoresFromJava() throws Exception {
        Workspace ws = Workspace.create(client, WorkspaceOptions.named("sdkws").resourceGroup("sdkrg")
                .createResourceGroup(true).location("japaneast"));
        assertThat(ws.getDefaultDatastore().path("name").asText()).isEqualTo("workspaceblobstore");

        Path model = temporary.resolve("model.pkl");
        Files.write(model, new byte[] {1, 2, 3, 4});
        List<Integer> progress = new ArrayList<>();
        JsonNode v1 = ws.models().withProgress(p -> progress.add(p.filesDone())).createOrUpdate("clf", null,
                Json.object().put("description", "first"), model);
        JsonNode v2 = ws.models().createOrUpdate("clf", null, Json.object(), model);
        assertThat(v1.path("name").asText()).isEqualTo("1");
        assertThat(v2.path("name").asText()).isEqualTo("2");
        assertThat(progress).containsExactly(1);
        assertThat(ws.models().resolve("azureml:clf@latest").path("name").asText()).isEqualTo("2");
        assertThat(ws.models().resolve("azureml:clf:1").path("properties").path("description").asText()).isEqualTo("first");
        assertThatThrownBy(() -> ws.models().resolve("azureml:clf:7")).isInstanceOf(AmliteException.class)
                .hasMessageContaining("clf");
        List<Path> files = ws.models().download("clf", "1", temporary.resolve("out"));
        assertThat(files).hasSize(1);
        assertThat(Files.readAllBytes(temporary.resolve("out/clf/model.pkl"))).containsExactly(1, 2, 3, 4);

        JsonNode env = ws.environments().createOrUpdate("py", "1", Json.object().put("image", "python:3.11-slim"), null);
        assertThat(env.path("properties").path("osType").asText()).isEqualTo("Linux");

        String account = ws.getDefaultDatastore().path("properties").path("accountName").asText();
        String key = client.arm().send("POST", "/subscriptions/" + server.subscriptionId() + "/resourceGroups/sdkrg/providers"
                + "/Microsoft.Storage/storageAccounts/" + account + "/listKeys", "2023-01-01", java.util.Map.of(), null)
                .body().path("keys").get(0).path("value").asText();
        var props = Json.object().put("datastoreType", "AzureBlob").put("accountName", account).put("containerName", "second");
        props.putObject("credentials").put("credentialsType", "AccountKey").putObject("secrets")
                .put("secretsType", "AccountKey").put("key", key);
        ws.datastores().createOrUpdate("second", props);
        assertThat(ws.datastores().get("second").toString()).doesNotContain(key);
        assertThat(ws.datastores().listSecrets("second").path("key").asText()).isEqualTo(key);
        ws.setDefaultDatastore("second");
        assertThat(ws.getDefaultDatastore().path("name").asText()).isEqualTo("second");
        assertThat(ws.datastores().get("workspaceblobstore").path("properties").path("isDefault").asBoolean()).isFalse();
        // New uploads go to the new default.
        JsonNode v3 = ws.models().createOrUpdate("clf", null, Json.object(), model);
        assertThat(v3.path("properties").path("modelUri").asText()).contains("/datastores/second/paths/LocalUpload/");
    }

    @Test
    void largeFilesTakeTheStreamingPathBothWaysAndArriveIntact() throws Exception {
        Workspace ws = Workspace.create(client, WorkspaceOptions.named("bigws").resourceGroup("sdkrg")
                .createResourceGroup(true).location("japaneast"));
        Path folder = temporary.resolve("big-model");
        Files.createDirectories(folder);
        byte[] weights = new byte[9 * 1024 * 1024 + 17]; // over the 8 MiB line: the blocking-connection path
        new java.util.Random(42).nextBytes(weights);
        Files.write(folder.resolve("weights.bin"), weights);
        Files.write(folder.resolve("config.json"), "{}".getBytes());
        List<BlobTransferProgress> seen = new ArrayList<>();
        JsonNode version = ws.models().withProgress(p -> seen.add(new BlobTransferProgress(p.filesDone(), p.skipped())))
                .createOrUpdate("big", "1", Json.object(), folder);
        assertThat(version.path("name").asText()).isEqualTo("1");
        assertThat(seen).extracting(BlobTransferProgress::skipped).containsOnly(0);

        ws.models().download("big", "1", temporary.resolve("big-out"));
        assertThat(Files.readAllBytes(temporary.resolve("big-out/big/big-model/weights.bin"))).isEqualTo(weights);

        // The same folder again: the fingerprinted upload finds both files there (large one included) and skips them.
        seen.clear();
        ws.models().withProgress(p -> seen.add(new BlobTransferProgress(p.filesDone(), p.skipped())))
                .createOrUpdate("big", "2", Json.object(), folder);
        assertThat(seen.getLast().skipped()).isEqualTo(2);
    }

    private record BlobTransferProgress(int filesDone, int skipped) {
    }
}
