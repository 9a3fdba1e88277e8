package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server restarted on the same data directory at another address hands out URLs that reach it: the blob
 * endpoint of a storage account, a workspace's MLflow tracking and discovery URLs, and the signed URLs that
 * uploads and downloads go to (before, they kept the address of the request that created each resource).
 */
class RestartOnAnotherPortTest {
    @TempDir
    Path temporary;

    @Test
    void urlsAmliteServesFollowTheAddressItIsReachedAt() throws Exception {
        Path data = temporary.resolve("data");
        Path model = Files.createDirectories(temporary.resolve("model"));
        Files.writeString(model.resolve("weights.txt"), "0.5 0.25\n");
        String before;
        String account;
        try (TestServer server = TestServer.start(data, "--http")) {
            before = server.url();
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            account = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("storage_account").asText();
            cli.ok("ml", "model", "create", "-n", "reg", "-v", "1", "--path", model.toString(), "-o", "none");
        }
        try (TestServer server = TestServer.start(data, "--http")) {
            assertThat(server.url()).as("the second server's address").isNotEqualTo(before);
            Cli cli = new Cli(temporary.resolve("config2"));
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", server.dataDirectory().toString());
            cli.ok("configure", "--defaults", "workspace=mlw", "group=rg1");

            JsonNode storage = Json.parse(cli.ok("resource", "show", "--ids", account));
            assertThat(storage.path("properties").path("primaryEndpoints").path("blob").asText())
                    .isEqualTo(server.url() + "/storage/" + storage.path("name").asText() + "/blob/");
            JsonNode workspace = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw"));
            assertThat(workspace.path("mlflow_tracking_uri").asText()).startsWith(server.url() + "/mlflow/");
            assertThat(workspace.path("discovery_url").asText()).startsWith(server.url() + "/discovery/");

            // The blob listing names the service at the address the request reached, too.
            String workspaceId = workspace.path("id").asText();
            String sas = server.call("POST", workspaceId + "/models/reg/versions/1/getBlobReferenceSAS"
                    + "?api-version=2024-04-01", server.adminToken(), "{}").body().path("blobReferenceForConsumption")
                    .path("credential").path("sasUri").asText();
            URI signed = URI.create(sas);
            String[] path = signed.getRawPath().split("/", 6); // "", storage, account, blob, container, prefix
            String list = server.url() + "/storage/" + path[2] + "/blob/" + path[4] + "?restype=container&comp=list"
                    + "&prefix=" + path[5] + "&" + signed.getRawQuery();
            HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(list))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(listed.body()).contains("ServiceEndpoint=\"" + server.url() + "/storage/" + path[2] + "/blob/\"")
                    .contains("weights.txt");

            Path out = temporary.resolve("out");
            cli.ok("ml", "model", "download", "-n", "reg", "-v", "1", "--download-path", out.toString());
            assertThat(Files.readString(out.resolve("reg/model/weights.txt"))).isEqualTo("0.5 0.25\n");
            cli.ok("ml", "model", "create", "-n", "reg", "-v", "2", "--path", model.toString(), "-o", "none");
            Path out2 = temporary.resolve("out2");
            cli.ok("ml", "model", "download", "-n", "reg", "-v", "2", "--download-path", out2.toString());
            assertThat(Files.readString(out2.resolve("reg/model/weights.txt"))).isEqualTo("0.5 0.25\n");
        }
    }
}
