package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace's jobs end when the workspace is deleted: its soft delete cancels the queued ones and kills and
 * cancels the running ones before it returns (recovering it shows them Canceled) and deletes its computes, as
 * Azure's does; its group's delete kills what still runs and removes the server's copies of its job logs at once.
 * Before, a running job's processes ran on after either.
 */
class JobsGoWithTheirWorkspaceTest {
    @TempDir
    Path temporary;

    @Test
    void aDeletedWorkspacesJobsAreCanceledAndTheirProcessesKilled() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--http")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "compute", "create", "-n", "one", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            Path job = temporary.resolve("long.yml");
            Files.writeString(job, "command: sleep 4343\nenvironment:\n  image: python:3.11\ncompute: azureml:one\n");
            cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "running", "-o", "none");
            awaitSleeps(1);
            cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "queued", "-o", "none");

            cli.ok("ml", "workspace", "delete", "-n", "mlw", "--yes");
            assertThat(sleeps()).as("the soft-deleted workspace's job processes").isZero();
            cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1", "-o", "none");
            for (String name : new String[] {"running", "queued"}) {
                JsonNode shown = Json.parse(cli.ok("ml", "job", "show", "-n", name));
                assertThat(shown.path("status").asText()).as("job %s after the recovery", name).isEqualTo("Canceled");
            }

            assertThat(cli.ok("ml", "compute", "list").strip()).as("computes of the recovered workspace, hard-deleted "
                    + "with its soft delete as on Azure").isEqualTo("[]");

            cli.ok("ml", "compute", "create", "-n", "one", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "again", "-o", "none");
            awaitSleeps(1);
            Path logs = temporary.resolve("data").resolve("jobs").resolve("logs");
            assertThat(folders(logs)).as("the workspace's job log folder on the server").hasSize(1);
            cli.ok("group", "delete", "-n", "rg1", "--yes");
            assertThat(folders(logs)).as("job logs of the group's workspace, gone with the group's delete "
                    + "(not a minute later with the sweep)").isEmpty();
            awaitSleeps(0);
            for (int i = 0; i < 20; i++) { // the killed job's runner ends within ms; it must write nothing more
                assertThat(folders(logs)).as("%d ms after the job's processes were killed", i * 100).isEmpty();
                Thread.sleep(100);
            }
        }
    }

    private static java.util.List<Path> folders(Path root) throws java.io.IOException {
        try (var entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }

    private static void awaitSleeps(long count) throws InterruptedException {
        for (int i = 0; i < 120 && sleeps() != count; i++) {
            Thread.sleep(250);
        }
        assertThat(sleeps()).as("running 'sleep 4343' processes").isEqualTo(count);
    }

    private static long sleeps() {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && p.info().arguments().map(a -> a.length == 1 && a[0].equals("4343")).orElse(false)).count();
    }
}
