package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep of abandoned uploads keeps every version's files wherever the container is seen from: a workspace that
 * registers another's default container as a datastore does not make the other's models look abandoned.
 */
class SharedContainerSweepTest {
    @TempDir
    Path temporary;

    @Test
    void aModelSurvivesTheSweepOfAnotherWorkspaceThatSharesItsContainer() throws Exception {
        // A 2 s pending-upload TTL makes the sweep run every second.
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--pending-upload-ttl", "2s")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            Path weights = temporary.resolve("weights.txt");
            Files.writeString(weights, "kept");
            cli.ok("ml", "model", "create", "-n", "shared", "-v", "1", "--path", weights.toString(), "-o", "none");

            JsonNode blob = Json.parse(cli.ok("ml", "datastore", "show", "-n", "workspaceblobstore"));
            String account = blob.path("account_name").asText();
            String key = cli.ok("storage", "account", "keys", "list", "-n", account, "-g", "rg1", "--query",
                    "[0].value", "-o", "tsv").strip();
            cli.ok("ml", "workspace", "create", "-n", "neighbour", "-g", "rg1", "-o", "none");
            Path yaml = temporary.resolve("neighbours-view.yml");
            Files.writeString(yaml, "name: view\ntype: azure_blob\naccount_name: " + account + "\ncontainer_name: "
                    + blob.path("container_name").asText() + "\ncredentials:\n  account_key: " + key + "\n");
            cli.ok("ml", "datastore", "create", "-w", "neighbour", "-g", "rg1", "-f", yaml.toString(), "-o", "none");

            Thread.sleep(6000); // past the TTL, and a few sweeps
            Path out = temporary.resolve("out");
            cli.ok("ml", "model", "download", "-n", "shared", "-v", "1", "--download-path", out.toString());
            try (var files = Files.walk(out)) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("the model's files")
                        .singleElement().satisfies(file -> assertThat(file).hasContent("kept"));
            }
        }
    }
}
