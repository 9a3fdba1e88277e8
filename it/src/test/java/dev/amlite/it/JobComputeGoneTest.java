package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.move.Moves;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoreVendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job waiting for a node of a compute, and that compute's delete: refused while the job waits (it named a compute
 * that is there when it was submitted), and a job that waits for a compute gone all the same fails saying so instead
 * of waiting for good.
 */
class JobComputeGoneTest {
    @TempDir
    Path temporary;

    private static JsonNode awaitStatus(Cli cli, String job, String status) throws InterruptedException {
        JsonNode shown = Json.parse(cli.ok("ml", "job", "show", "-n", job));
        for (int i = 0; i < 80 && !shown.path("status").asText().equals(status); i++) {
            Thread.sleep(250);
            shown = Json.parse(cli.ok("ml", "job", "show", "-n", job));
        }
        assertThat(shown.path("status").asText()).as("job %s: %s", job, shown).isEqualTo(status);
        return shown;
    }

    @Test
    void aComputeAJobWaitsForIsNotDeletedFromUnderIt() throws Exception {
        Path data = temporary.resolve("data");
        Path job = temporary.resolve("job.yml");
        Files.writeString(job, "command: echo ran\nenvironment:\n  image: python:3.11\ncompute: azureml:box\n");
        String computeId;
        Cli cli;
        try (TestServer server = TestServer.start(data)) {
            cli = Cli.withWorkspace(server, temporary.resolve("config"));
            computeId = Json.parse(cli.ok("ml", "compute", "create", "-n", "box", "--type", "computeinstance", "--size",
                    "Standard_DS3_v2")).path("id").asText();
            cli.ok("ml", "compute", "stop", "-n", "box", "-o", "none");
            cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "patient", "-o", "none");
            assertThat(awaitStatus(cli, "patient", "Queued").path("waiting_for").asText()).contains("is not running");

            Cli.Result refused = cli.run("ml", "compute", "delete", "-n", "box", "--yes");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("Compute 'box' has 1 job(s) waiting for a node: patient")
                    .contains("amlite ml job cancel");
            assertThat(Json.parse(cli.ok("ml", "compute", "show", "-n", "box")).path("state").asText())
                    .isEqualTo("Stopped");

            // Started again, the compute runs the job that waited for it.
            cli.ok("ml", "compute", "start", "-n", "box", "-o", "none");
            awaitStatus(cli, "patient", "Completed");
            cli.ok("ml", "compute", "stop", "-n", "box", "-o", "none");
            cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "stranded", "-o", "none");
            awaitStatus(cli, "stranded", "Queued");
        }
        // A compute gone while a job still waits for it: what a store written before the delete's check holds, or a
        // delete that crossed the job's submit.
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(data), null, null, 2))) {
            assertThat(new ResourceStore(database, Clock.systemUTC(), List.of(Moves.WORKSPACES)).deleteTree(ResourceId.parse(computeId)))
                    .isPositive();
        }
        try (TestServer server = TestServer.start(data)) {
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", server.dataDirectory().toString());
            JsonNode failed = awaitStatus(cli, "stranded", "Failed");
            assertThat(failed.path("error").path("code").asText()).isEqualTo("InvalidResourceReference");
            assertThat(failed.path("error").path("message").asText())
                    .contains("The job cannot run: compute 'box' was deleted after the job was submitted")
                    .contains("amlite ml compute list");
        }
    }
}
