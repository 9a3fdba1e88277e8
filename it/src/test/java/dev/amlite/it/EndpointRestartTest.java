package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** A deployment that served before the server stopped serves again after it starts, with the same key and split. */
class EndpointRestartTest {
    @TempDir
    Path temporary;

    @Test
    void deploymentsServeAgainAfterARestart() throws Exception {
        Path data = temporary.resolve("data");
        Cli cli;
        Path yaml = BehavingDeployment.yaml(temporary, "again", "blue", "");
        Path request = temporary.resolve("r.json");
        Files.writeString(request, "{\"data\": [2]}");
        String key;
        String uploads;
        String code;
        try (TestServer server = TestServer.start(data)) {
            cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "online-endpoint", "create", "-n", "again");
            cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic");
            key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "again", "-o", "tsv", "--query", "primaryKey");
            assertThat(Json.parse(cli.ok("ml", "online-endpoint", "invoke", "-n", "again", "--request-file",
                    request.toString())).path("score").asDouble()).isEqualTo(2.5);
        }
        // What a server killed with SIGKILL leaves: its deployments' copies of models and code.
        Path leftover = Files.createDirectories(data.resolve("serving/mlw-again-blue-0badf00d/azureml-models"));
        Files.writeString(leftover.resolve("weights.bin"), "a crashed server's copy");
        try (TestServer server = TestServer.start(data)) {
            assertThat(leftover.getParent()).as("removed at start").doesNotExist();
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", data.toString());
            JsonNode answer = null;
            for (int i = 0; i < 100 && answer == null; i++) {
                Cli.Result result = cli.run("ml", "online-endpoint", "invoke", "-n", "again", "--request-file",
                        request.toString());
                if (result.exitCode() == 0) {
                    answer = Json.parse(result.out());
                } else {
                    assertThat(result.err()).as("only 'not ready yet' while the instance starts").contains("503");
                    Thread.sleep(100);
                }
            }
            assertThat(answer).isNotNull();
            assertThat(answer.path("deployment").asText()).isEqualTo("blue");
            assertThat(cli.ok("ml", "online-endpoint", "get-credentials", "-n", "again", "-o", "tsv", "--query",
                    "primaryKey")).isEqualTo(key);
            assertThat(cli.ok("ml", "online-deployment", "show", "-n", "blue", "-e", "again")).contains("Succeeded");
            code = cli.ok("ml", "online-deployment", "show", "-n", "blue", "-e", "again", "-o", "tsv",
                    "--query", "code_configuration.code").strip().replaceFirst("^azureml:", "");
            uploads = cli.ok("resource", "show", "--ids", code, "-o", "tsv", "--query", "properties.codeUri")
                    .replaceFirst(".*/LocalUpload/([0-9a-f]+)/.*", "$1").strip();
        }
        // The code's files lost while the server was down: the deployment cannot start again, and says why.
        try (var folders = Files.walk(data)) {
            List<Path> lost = folders.filter(p -> p.endsWith(Path.of("LocalUpload", uploads))).toList();
            assertThat(lost).as("the code's upload folder (and its checksums')").isNotEmpty();
            for (Path folder : lost) {
                try (var files = Files.walk(folder)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        try (TestServer server = TestServer.start(data)) {
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", data.toString());
            String state = "";
            for (int i = 0; i < 100 && !state.equals("Failed"); i++) {
                Thread.sleep(100);
                state = cli.ok("ml", "online-deployment", "show", "-n", "blue", "-e", "again", "-o", "tsv", "--query",
                        "provisioning_state").strip();
            }
            assertThat(state).isEqualTo("Failed");
            assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "blue", "-e", "again"))
                    .contains("[amlite] could not start: No files are at").contains(uploads);
            Cli.Result read = cli.run("resource", "invoke-action", "--action", "getBlobReferenceSAS", "--ids", code);
            assertThat(read.exitCode()).as("a download would find nothing to fetch").isNotZero();
            assertThat(read.err()).contains("UploadIncomplete").contains("removed from storage");
        }
    }
}
