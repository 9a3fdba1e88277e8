package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.OperationStore;
import dev.amlite.store.ServerRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two servers on one PostgreSQL store (OP-2's replicas, --replica-timeout 3s): a job runs on the server it was
 * submitted to; the other replica's restart leaves it running; a cancel asked of the other replica stops it; the
 * job's MLflow token and its running log work on either; the jobs of a server that stops being seen are ended by
 * another; and a cluster's nodes are shared. An
 * online deployment made through one replica (its files in an Azure Blob service both reach, Azurite here) is served
 * by the other's scoring port too, with the keys as they are now.
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
                // A copy of a's data directory, server-id and all, is not started as a second a.
                Files.createDirectories(temporary.resolve("a-copy"));
                Files.copy(temporary.resolve("a/server-id"), temporary.resolve("a-copy/server-id"));
                assertThatThrownBy(() -> TestServer.start(temporary.resolve("a-copy"), shared).close())
                        .hasMessageContaining("Another server is running with this data directory's server id")
                        .hasMessageContaining("delete the file 'server-id' in the copy");

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
                String log = "";
                for (int i = 0; i < 50 && !log.contains("job1 is under way"); i++) {
                    Thread.sleep(100);
                    log = b.call("POST", workspace + "/jobs/job1/readLogs" + API, b.adminToken(), "{\"offset\": 0}")
                            .body().path("content").asText();
                }
                assertThat(log).as("the log of a job running on a, read through b").contains("job1 is under way");

                // An operation a runs (as a crash of b in the middle of a's group delete would find it).
                String group = "/subscriptions/" + a.subscriptionId() + "/resourceGroups/kept";
                cli.ok("group", "create", "-n", "kept", "-l", "japaneast", "-o", "none");
                String operation = java.util.UUID.randomUUID().toString();
                try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, 1))) {
                    new OperationStore(database, java.time.Clock.systemUTC()).create(operation, "resourceGroups.delete",
                            group, a.subscriptionId(), "{}",
                            Files.readString(temporary.resolve("a/server-id")).strip());
                }

                b.close();
                b = TestServer.start(temporary.resolve("b"), shared);
                assertThat(status(b, workspace + "/jobs/job1")).as("right after the other replica's restart")
                        .isEqualTo("Running");
                assertThat(b.call("GET", "/subscriptions/" + a.subscriptionId() + "/providers/Microsoft.Resources/"
                        + "operationStatuses/" + operation + "?api-version=2022-09-01", b.adminToken(), (String) null)
                        .body().path("status").asText()).as("a's operation, left to a").isEqualTo("InProgress");
                assertThat(b.call("GET", group + "?api-version=2022-09-01", b.adminToken(), (String) null).status())
                        .isEqualTo(200);
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
                    new ServerRegistry(database).register("crashed-replica", "its-only-process");
                    database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE job_runs SET server_id = "
                            + "'crashed-replica' WHERE job_key LIKE '%/jobs/job2'").execute());
                    // and a node of the cluster that server's other job held
                    database.jdbi().useHandle(handle -> handle.createUpdate("INSERT INTO compute_nodes (compute_key, "
                            + "slot, node_id, job, server_id, since, idle_since) SELECT compute_key, 7, 'tvmps_ghost', "
                            + "'ghost-job', 'crashed-replica', since, idle_since FROM compute_nodes WHERE job = 'job2'")
                            .execute());
                }
                JsonNode ended = awaitStatus(b, workspace + "/jobs/job2", "Failed"::equals);
                assertThat(ended.path("properties").path("error").path("message").asText())
                        .contains("crashed-replica").contains("stopped while it ran");
                String ghost = "";
                for (int i = 0; i < 50 && !ghost.contains("idle"); i++) {
                    Thread.sleep(100);
                    for (JsonNode node : b.call("POST", workspace + "/computes/cpu/listNodes" + API, b.adminToken(),
                            "").body().path("nodes")) {
                        if (node.path("nodeId").asText().equals("tvmps_ghost")) {
                            ghost = node.toString();
                        }
                    }
                }
                assertThat(ghost).as("the node the server gone held, free again").contains("\"nodeState\":\"idle\"");

                // A cluster of one node, used through both replicas: its max_instances holds for them together.
                cli.ok("ml", "compute", "create", "-n", "one", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                        "--min-instances", "0", "--max-instances", "1", "-o", "none");
                Cli viaB = new Cli(temporary.resolve("config-b"));
                viaB.ok("login", "--server", b.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                        "--data-dir", b.dataDirectory().toString());
                viaB.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
                submit(cli, "job3", "one");
                awaitStatus(a, workspace + "/jobs/job3", "Running"::equals);
                submit(viaB, "job4", "one");
                JsonNode waiting = awaitStatus(b, workspace + "/jobs/job4", "Queued"::equals);
                Thread.sleep(1_500); // b's dispatcher has asked for a node again
                assertThat(status(b, workspace + "/jobs/job4")).as("job4, while job3 holds the one node on a")
                        .isEqualTo("Queued");
                assertThat(waiting.path("properties").path("waitingFor").asText())
                        .isEqualTo("all 1 node(s) of 'one' are busy (max_instances 1)");
                assertThat(a.call("POST", workspace + "/jobs/job3/cancel" + API, a.adminToken(), "").status())
                        .isEqualTo(202);
                awaitStatus(b, workspace + "/jobs/job4", "Running"::equals);
                JsonNode nodes = b.call("POST", workspace + "/computes/one/listNodes" + API, b.adminToken(), "")
                        .body();
                assertThat(nodes.path("nodes")).as("the one node, now job4's: " + nodes).hasSize(1);
                assertThat(nodes.path("nodes").get(0).path("runId").asText()).isEqualTo("job4");
            } finally {
                b.close();
                a.close();
            }
        }
    }

    @Test
    void aDeploymentMadeThroughOneReplicaIsServedByTheOtherWithTheCurrentKeys() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Azurite azurite = Azurite.start(temporary.resolve("azurite"))) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            String[] shared = {"--db-url", url, "--db-user", "postgres", "--master-key-file",
                    temporary.resolve("master.key").toString()};
            TestServer a = TestServer.start(temporary.resolve("a"), shared);
            TestServer b = TestServer.start(temporary.resolve("b"), shared);
            try {
                Cli cli = Cli.withWorkspace(a, temporary.resolve("config"));
                Path connection = temporary.resolve("azurite.conn");
                Files.writeString(connection, azurite.connectionString());
                String account = cli.ok("storage", "account", "create", "-n", "azstore", "-g", "rg1",
                        "--blob-connection-string-file", connection.toString(), "-o", "tsv", "--query", "id").strip();
                cli.ok("ml", "workspace", "create", "-n", "mlw-az", "-g", "rg1", "--storage-account", account, "-o", "none");
                cli.ok("configure", "--defaults", "workspace=mlw-az", "group=rg1");
                cli.ok("ml", "online-endpoint", "create", "-n", "shared-ep", "-o", "none");
                Path yaml = BehavingDeployment.yaml(temporary, "shared-ep", "blue", "");
                cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic", "-o", "none");
                String oldKey = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "shared-ep", "-o", "tsv",
                        "--query", "primaryKey").strip();

                HttpResponse<String> answer = awaitScore(b, oldKey, 200);
                assertThat(answer.headers().firstValue("azureml-model-deployment")).contains("blue");
                assertThat(Json.parse(answer.body()).path("score").asDouble()).isEqualTo(2.5);

                cli.ok("ml", "online-endpoint", "regenerate-keys", "-n", "shared-ep", "--key-type", "primary");
                String newKey = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "shared-ep", "-o", "tsv",
                        "--query", "primaryKey").strip();
                assertThat(newKey).isNotEqualTo(oldKey);
                awaitScore(b, oldKey, 401);
                assertThat(awaitScore(b, newKey, 200).statusCode()).isEqualTo(200);

                // The other replica restarted without a working Python: it cannot start the deployment, which a
                // serves all the same, so the deployment's state (shared by both) stays as a set it.
                b.close();
                List<String> broken = new java.util.ArrayList<>(List.of(shared));
                broken.addAll(List.of("--python", temporary.resolve("no-such-python").toString()));
                b = TestServer.start(temporary.resolve("b"), broken.toArray(String[]::new));
                awaitScore(b, newKey, 503);
                Thread.sleep(2_000);
                assertThat(cli.ok("ml", "online-deployment", "show", "-n", "blue", "-e", "shared-ep", "-o", "tsv",
                        "--query", "provisioning_state").strip()).isEqualTo("Succeeded");
                assertThat(awaitScore(a, newKey, 200).headers().firstValue("azureml-model-deployment")).contains("blue");
            } finally {
                b.close();
                a.close();
            }
        }
    }

    /** Scores through {@code server}'s scoring port until the answer has {@code wanted} status (20 s at most). */
    private static HttpResponse<String> awaitScore(TestServer server, String key, int wanted) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.scoringUrl()
                        + "/inference/japaneast/shared-ep/score")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\": [2]}"))
                .build();
        List<Integer> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> answer = server.http().send(request, HttpResponse.BodyHandlers.ofString());
            if (seen.isEmpty() || seen.get(seen.size() - 1) != answer.statusCode()) {
                seen.add(answer.statusCode());
            }
            if (answer.statusCode() == wanted) {
                return answer;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("scoring through the other replica answered " + seen + " in 20 s, never " + wanted);
    }

    private Path submit(Cli cli, String name) throws Exception {
        return submit(cli, name, "cpu");
    }

    private Path submit(Cli cli, String name, String compute) throws Exception {
        Path tokenFile = temporary.resolve(name + "-token");
        Path job = temporary.resolve(name + ".yml");
        Files.writeString(job, """
                command: echo "$MLFLOW_TRACKING_TOKEN" > %s; echo "%s is under way"; sleep 600
                environment:
                  image: python:3.11
                compute: azureml:%s
                """.formatted(tokenFile, name, compute));
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
