package dev.amlite.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's log is its own: the server's copy of a job's log goes when its workspace is purged, and a job named like
 * one of an earlier workspace at the same id (made again after its group was deleted) does not show that job's
 * output. Before, the log file was kept by workspace id and job name and appended to.
 */
class JobLogReuseTest {
    @TempDir
    Path temporary;

    @Test
    void aJobOfAWorkspaceMadeAgainDoesNotShowTheOldJobsOutput() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--http")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            run(cli, "purged-workspace-output");
            assertThat(logs(server)).hasSize(1);
            cli.ok("ml", "workspace", "delete", "-n", "mlw", "--permanently-delete", "--yes");
            assertThat(logs(server)).as("the purged workspace's job logs").isEmpty();

            cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1", "-o", "none");
            run(cli, "old-group-output");
            cli.ok("group", "delete", "-n", "rg1", "--yes");
            cli.ok("group", "create", "-n", "rg1", "-l", "japaneast", "-o", "none");
            cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1", "-o", "none");
            // The new 'echo' waits for the only node, which a blocker holds: its log, read while it is queued, is
            // its own (empty) and not the old group's job's. Before, the old file stayed until the job started, and
            // a client streaming from submission showed the old output.
            cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            Path blocker = temporary.resolve("blocker.yml");
            Files.writeString(blocker, "command: sleep 60\nenvironment:\n  image: python:3.11\ncompute: azureml:cpu\n");
            cli.ok("ml", "job", "create", "-f", blocker.toString(), "-n", "blocker", "-o", "none");
            Path queued = temporary.resolve("queued.yml");
            Files.writeString(queued, "command: echo new-output\nenvironment:\n  image: python:3.11\ncompute: azureml:cpu\n");
            cli.ok("ml", "job", "create", "-f", queued.toString(), "-n", "echo", "-o", "none");
            String job = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                    + "Microsoft.MachineLearningServices/workspaces/mlw/jobs/echo";
            TestServer.Answer log = server.call("POST", job + "/readLogs?api-version=2024-04-01", server.adminToken(),
                    "{\"offset\":0}");
            assertThat(log.body().path("status").asText()).as("echo waits for the blocker's node").isEqualTo("Queued");
            assertThat(log.body().path("content").asText()).doesNotContain("old-group-output");
            cli.ok("ml", "job", "cancel", "-n", "blocker", "-o", "none");
            String streamed = cli.ok("ml", "job", "stream", "-n", "echo");
            assertThat(streamed).contains("new-output").doesNotContain("old-group-output")
                    .doesNotContain("purged-workspace-output");
            assertThat(cli.ok("ml", "job", "stream", "-n", "echo")).contains("new-output")
                    .doesNotContain("old-group-output");
        }
    }

    /** Makes compute cpu and runs job "echo" printing {@code text} on it; returns what --stream showed. */
    private String run(Cli cli, String text) throws Exception {
        cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                "--max-instances", "1", "-o", "none");
        Path job = temporary.resolve("echo.yml");
        Files.writeString(job, "command: echo " + text + "\nenvironment:\n  image: python:3.11\ncompute: azureml:cpu\n");
        Cli.Result streamed = cli.run("ml", "job", "create", "-f", job.toString(), "-n", "echo", "--stream");
        assertThat(streamed.exitCode()).as(streamed.err()).isZero();
        assertThat(streamed.out()).contains(text).contains("Status: Completed");
        return streamed.out();
    }

    private static List<Path> logs(TestServer server) throws Exception {
        Path root = server.dataDirectory().resolve("jobs").resolve("logs");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
