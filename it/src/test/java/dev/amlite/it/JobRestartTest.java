package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreVendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop in the middle of jobs: the running one's processes die and it fails saying why; the queued one runs after,
 * and reaches MLflow on the restarted server's port.
 */
class JobRestartTest {
    @TempDir
    Path temporary;

    static List<ProcessHandle> sleeps() {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && p.info().arguments().map(a -> a.length == 1 && a[0].equals("4141")).orElse(false)).toList();
    }

    @Test
    void aRestartFailsTheInterruptedJobAndRunsTheQueuedOne() throws Exception {
        Path data = temporary.resolve("data");
        Cli cli;
        Path long1 = temporary.resolve("long.yml");
        Files.writeString(long1, "command: sleep 4141\nenvironment:\n  image: python:3.11\ncompute: azureml:one\n");
        // The queued job logs to MLflow at the URI it was given: on the restarted server's port, not the first one's.
        Path code = Files.createDirectories(temporary.resolve("src"));
        Files.writeString(code.resolve("log.py"), """
                import json, os, time, urllib.request
                print("after the restart", flush=True)
                body = {"run_id": os.environ["MLFLOW_RUN_ID"], "key": "after", "value": 1,
                        "timestamp": int(time.time() * 1000), "step": 0}
                urllib.request.urlopen(urllib.request.Request(
                    os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric", data=json.dumps(body).encode(),
                    headers={"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"],
                             "Content-Type": "application/json"})).close()
                """);
        Path quick = temporary.resolve("quick.yml");
        Files.writeString(quick, "command: python log.py\ncode: ./src\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:one\n");
        String before;
        try (TestServer server = TestServer.start(data)) {
            before = server.url();
            cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "compute", "create", "-n", "one", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            cli.ok("ml", "job", "create", "-f", long1.toString(), "-n", "interrupted", "-o", "none");
            for (int i = 0; i < 120 && sleeps().isEmpty(); i++) {
                Thread.sleep(250);
            }
            assertThat(sleeps()).hasSize(1);
            cli.ok("ml", "job", "create", "-f", quick.toString(), "-n", "waiting", "-o", "none");
            JsonNode waiting = Json.parse(cli.ok("ml", "job", "show", "-n", "waiting"));
            for (int i = 0; i < 40 && !waiting.path("status").asText().equals("Queued"); i++) {
                Thread.sleep(250);
                waiting = Json.parse(cli.ok("ml", "job", "show", "-n", "waiting"));
            }
            assertThat(waiting.path("status").asText()).isEqualTo("Queued");
        }
        assertThat(sleeps()).as("the stop took the job's processes with it").isEmpty();
        // A stop frees the node of the job it cut off; a crash (SIGKILL) leaves it leased. Leave it as a crash would:
        // the restarted server must free it, or the waiting job never gets the cluster's one node.
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(data), null, null, 2))) {
            String server = Files.readString(data.resolve("server-id")).strip();
            int leased = database.jdbi().withHandle(handle -> handle.createUpdate("UPDATE compute_nodes SET job = "
                    + "'interrupted', server_id = :server").bind("server", server).execute());
            assertThat(leased).as("the cluster's one node").isEqualTo(1);
        }
        try (TestServer server = TestServer.start(data)) {
            assertThat(server.url()).as("the restarted server's address").isNotEqualTo(before);
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", server.dataDirectory().toString());
            JsonNode interrupted = Json.parse(cli.ok("ml", "job", "show", "-n", "interrupted"));
            assertThat(interrupted.path("status").asText()).isEqualTo("Failed");
            assertThat(interrupted.path("error").path("code").asText()).isEqualTo("ServiceStopped");
            assertThat(interrupted.path("error").path("message").asText()).contains("Submit the job again");
            JsonNode after = Json.parse(cli.ok("ml", "job", "show", "-n", "waiting"));
            for (int i = 0; i < 120 && !after.path("status").asText().equals("Completed"); i++) {
                Thread.sleep(250);
                after = Json.parse(cli.ok("ml", "job", "show", "-n", "waiting"));
            }
            assertThat(after.path("status").asText()).as(cli.run("ml", "job", "stream", "-n", "waiting").out())
                    .isEqualTo("Completed");
            assertThat(cli.run("ml", "job", "stream", "-n", "waiting").out()).contains("after the restart");
            assertThat(after.path("metrics").path("after").asDouble()).as("the metric the job logged").isEqualTo(1.0);
        }
    }
}
