package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreVendor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A storage account made under the name of a deleted one starts empty, as on Azure: the blobs amlite held for the
 * old account are neither served for the new one nor kept on disk. And blobs written before accounts had folders
 * of their own are still the account's after an upgrade.
 */
class StorageAccountReuseTest {
    private static final String API = "?api-version=2024-04-01";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path temporary;

    @Test
    void aNewAccountUnderADeletedOnesNameStartsEmptyAndTheOldBlobsAreRemoved() throws Exception {
        // A 2 s pending-upload TTL makes the asset sweep (which also removes gone accounts' folders) run every second.
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--http", "--pending-upload-ttl", "2s")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            String account = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("storage_account").asText();
            String accountName = account.substring(account.lastIndexOf('/') + 1);
            assertThat(put(server, "mlw", "old", "secret.txt", "old secret").statusCode()).isEqualTo(201);
            Path old = onlyFile(server, "secret.txt").orElseThrow();

            cli.ok("ml", "workspace", "delete", "-n", "mlw", "--permanently-delete", "--all-resources", "--yes");
            cli.ok("storage", "account", "create", "-n", accountName, "-g", "rg1", "-l", "japaneast", "-o", "none");
            cli.ok("ml", "workspace", "create", "-n", "mlw2", "-g", "rg1", "--storage-account", account, "-o", "none");
            assertThat(put(server, "mlw2", "new", "fresh.txt", "new").statusCode()).isEqualTo(201);
            Path fresh = onlyFile(server, "fresh.txt").orElseThrow();
            Path blobs = server.dataDirectory().resolve("blobs");
            assertThat(blobs.relativize(fresh).getName(0)).as("the new account's folder")
                    .isNotEqualTo(blobs.relativize(old).getName(0));

            long deadline = System.nanoTime() + 20_000_000_000L;
            while (Files.exists(old) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(old).as("the deleted account's blob").doesNotExist();
            assertThat(onlyFile(server, "secret.txt")).isEmpty();
            assertThat(fresh).exists().hasContent("new");
        }
    }

    @Test
    void blobsInAFolderNamedByTheAccountAloneAreStillItsAfterAnUpgrade() throws Exception {
        Path data = temporary.resolve("upgraded");
        String accountName;
        try (TestServer server = TestServer.start(data, "--http")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config2"));
            String account = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("storage_account").asText();
            accountName = account.substring(account.lastIndexOf('/') + 1);
            assertThat(put(server, "mlw", "kept", "model.txt", "weights").statusCode()).isEqualTo(201);
        }
        // What a data directory of an earlier version looks like: one folder per account name, no layout marker.
        Path blobs = data.resolve("blobs");
        Path folder;
        try (Stream<Path> folders = Files.list(blobs)) {
            folder = folders.filter(p -> p.getFileName().toString().startsWith(accountName + "@")).findFirst().orElseThrow();
        }
        Files.move(folder, blobs.resolve(accountName));
        Files.createDirectories(blobs.resolve("gonebefore/azureml/x"));
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(data), null, null, 2))) {
            database.jdbi().useHandle(h -> h.createUpdate("DELETE FROM settings WHERE setting_name = 'blobFolderLayout'")
                    .execute());
        }
        try (TestServer server = TestServer.start(data, "--http")) {
            String workspace = "/subscriptions/" + server.subscriptionId()
                    + "/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw";
            String read = server.call("POST", workspace + "/models/m/versions/1/getBlobReferenceSAS" + API,
                    server.adminToken(), "{}").body().path("blobReferenceForConsumption").path("credential")
                    .path("sasUri").asText();
            assertThat(read).startsWith(server.url());
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(read.substring(0, read.indexOf('?'))
                    + "/model.txt" + read.substring(read.indexOf('?')))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("weights");
            assertThat(blobs.resolve(accountName)).doesNotExist();
        }
    }

    /** Starts a pending upload {@code id} in workspace {@code name}, puts one blob in it and registers model m v1. */
    private HttpResponse<String> put(TestServer server, String name, String id, String blob, String content)
            throws Exception {
        String workspace = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/" + name;
        TestServer.Answer started = server.call("POST", workspace + "/models/m/versions/1/startPendingUpload" + API,
                server.adminToken(), "{\"pendingUploadId\":\"" + id + "\",\"pendingUploadType\":\"TemporaryBlobReference\"}");
        assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(200);
        JsonNode reference = started.body().path("blobReferenceForConsumption");
        HttpResponse<String> written = http.send(HttpRequest.newBuilder(URI.create(AssetsStorageTest.blobUrl(
                        reference, blob))).header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString(content)).build(), HttpResponse.BodyHandlers.ofString());
        TestServer.Answer registered = server.call("PUT", workspace + "/models/m/versions/1" + API, server.adminToken(),
                "{\"properties\":{\"modelUri\":\"" + reference.path("datastoreUri").asText() + "\"}}");
        assertThat(registered.status()).as(String.valueOf(registered.body())).isEqualTo(201);
        return written;
    }

    private static Optional<Path> onlyFile(TestServer server, String name) throws Exception {
        try (Stream<Path> files = Files.walk(server.dataDirectory().resolve("blobs"))) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(name))
                    .filter(p -> !p.toString().contains("/.md5/")).toList(); // the blob, not its checksum beside it
            assertThat(found).hasSizeLessThanOrEqualTo(1);
            return found.stream().findFirst();
        }
    }
}
