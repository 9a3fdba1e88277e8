package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.ServerRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers on one PostgreSQL store (OP-2's replicas, --replica-timeout 3s): a job runs on the server it was
 * submitted to; the other replica's restart leaves it running; a cancel asked of the other replica stops it; the
 * job's MLflow token works on either; and the jobs of a server that stops being seen are ended by another.
 */
class ReplicasTest {
    private static final String API = "?api-version=2024-04-01";

    @TempDir
    Path temporary;

    @Test
    void replicasLeaveEachOthersJobsAloneCarryOutEachOthersCancelsAndEndTheJobsOfAServerGone() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            String[] shared = {"--db-url", url, "--db-user", "postgres", "--master-key-file",
                    temporary.resolve("master.key").toString(), "--replica-timeout", "3s"};
            TestServer a = TestServer.start(temporary.resolve("a"), shared);
            TestServer b = TestServer.start(temporary.resolve("b"), shared);
            try {
                Cli cli = Cli.withWorkspace(a, temporary.resolve("config"));
                cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                        "--min-instances", "0", "--max-instances", "2", "-o", "none");
                String workspace = "/subscriptions/" + a.subscriptionId()
                        + "/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw";
                String mlflow = "/mlflow/v1.0" + workspace + "/api/2.0/mlflow/";

                Path tokenFile = submit(cli, "job1");
                awaitStatus(a, workspace + "/jobs/job1", "Running"::equals);
                String runToken = awaitToken(tokenFile);
                assertThat(b.call("GET", mlflow + "runs/get?run_id=job1", runToken, (String) null).status())
                        .as("a job's MLflow token, issued by its server, on the other replica").isEqualTo(200);

                b.close();
                b = TestServer.start(temporary.resolve("b"), shared);
                assertThat(status(b, workspace + "/jobs/job1")).as("right after the other replica's restart")
                        .isEqualTo("Running");
                Thread.sleep(4_000); // past the replica timeout: a, beating, is still the job's server
                assertThat(status(b, workspace + "/jobs/job1")).isEqualTo("Running");

                assertThat(b.call("POST", workspace + "/jobs/job1/cancel" + API, b.adminToken(), "").status())
                        .isEqualTo(202);
                awaitStatus(a, workspace + "/jobs/job1", "Canceled"::equals);
                assertThat(b.call("GET", mlflow + "runs/get?run_id=job1", runToken, (String) null).status())
                        .as("the job has ended: its token opens nothing on either replica").isEqualTo(401);

                // A server that runs job2, beats a few times and then is seen no more (a crash, as the store sees it).
                submit(cli, "job2");
                awaitStatus(a, workspace + "/jobs/job2", "Running"::equals);
                try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, 1))) {
                    new ServerRegistry(database).register("crashed-replica");
                    database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE job_runs SET server_id = "
                            + "'crashed-replica' WHERE job_key LIKE '%/jobs/job2'").execute());
                }
                JsonNode ended = awaitStatus(b, workspace + "/jobs/job2", "Failed"::equals);
                assertThat(ended.path("properties").path("error").path("message").asText())
                        .contains("crashed-replica").contains("stopped while it ran");
            } finally {
                b.close();
                a.close();
            }
        }
    }

    private Path submit(Cli cli, String name) throws Exception {
        Path tokenFile = temporary.resolve(name + "-token");
        Path job = temporary.resolve(name + ".yml");
        Files.writeString(job, """
                command: echo "$MLFLOW_TRACKING_TOKEN" > %s; sleep 600
                environment:
                  image: python:3.11
                compute: azureml:cpu
                """.formatted(tokenFile));
        cli.ok("ml", "job", "create", "-f", job.toString(), "-n", name, "-o", "none");
        return tokenFile;
    }

    private static String awaitToken(Path file) throws InterruptedException, java.io.IOException {
        for (int i = 0; i < 100 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
            Thread.sleep(100);
        }
        return Files.readString(file).strip();
    }

    private static String status(TestServer server, String job) throws Exception {
        return server.call("GET", job + API, server.adminToken(), (String) null).body().path("properties")
                .path("status").asText();
    }

    private static JsonNode awaitStatus(TestServer server, String job, Predicate<String> wanted) throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            JsonNode body = server.call("GET", job + API, server.adminToken(), (String) null).body();
            String status = body.path("properties").path("status").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
            }
            if (wanted.test(status)) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + job + " went through " + seen + " in 15 s, not to the status awaited");
    }
}
