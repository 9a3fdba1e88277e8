package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 6's command jobs through the CLI: they run for real, log to MLflow, stream, cancel, scale the cluster. */
class JobsTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static Path jobs;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        jobs = Cli.root().resolve("examples/compute-and-jobs");
        cli.ok("ml", "compute", "create", "-n", "cpu-cluster", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                "--min-instances", "0", "--max-instances", "2", "--idle-time-before-scale-down", "2", "-o", "none");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode show(String job) {
        return Json.parse(cli.ok("ml", "job", "show", "-n", job));
    }

    /** Polls until the condition holds or {@code seconds} have passed (each CLI call itself takes a while). */
    static JsonNode awaitJob(String job, Predicate<JsonNode> condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode shown = show(job);
        while (!condition.test(shown) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            shown = show(job);
        }
        assertThat(condition.test(shown)).as("job %s: %s", job, shown).isTrue();
        return shown;
    }

    static Path yaml(String name, String body) throws Exception {
        Path file = temporary.resolve(name + ".yml");
        Files.writeString(file, body);
        return file;
    }

    static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
    }

    /** The job's sleep processes (sleep 3131, 3132, 3133), not the shell whose command line names them. */
    static List<ProcessHandle> sleeps() {
        return sleeping("313");
    }

    /** {@code sleep <n>} processes whose argument starts with {@code prefix} (not any command line naming it). */
    static List<ProcessHandle> sleeping(String prefix) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && p.info().arguments().map(a -> a.length == 1 && a[0].startsWith(prefix)).orElse(false)).toList();
    }

    /** The job's Python child (not the shell whose command line names it). */
    static List<ProcessHandle> pythonChild() {
        return processesWith("time.sleep(3134)").stream()
                .filter(p -> !p.info().command().orElse("").endsWith("bash")).toList();
    }

    @Test
    void aJobRunsForRealLogsToMlflowStreamsAndIsDownloaded() throws Exception {
        Cli.Result streamed = cli.run("ml", "job", "create", "-f", jobs.resolve("job.yml").toString(), "-n", "train1",
                "--stream");
        assertThat(streamed.exitCode()).as(streamed.err()).isZero();
        assertThat(streamed.out()).contains("RunId: train1").contains("read 4 rows, lr 0.05").contains("model written")
                .contains("Status: Completed");

        JsonNode job = show("train1");
        assertThat(job.path("status").asText()).isEqualTo("Completed");
        assertThat(job.path("display_name").asText()).isEqualTo("train on values");
        assertThat(job.path("experiment_name").asText()).isEqualTo("tests");
        assertThat(job.path("compute").asText()).isEqualTo("azureml:cpu-cluster");
        assertThat(job.path("inputs").path("learning_rate").asText()).isEqualTo("0.05");
        assertThat(job.path("metrics").path("loss").asDouble()).isEqualTo(0.1);
        assertThat(job.path("metrics").path("mean").asDouble()).isEqualTo(2.5);
        assertThat(job.path("params").path("lr").asText()).isEqualTo("0.05");
        assertThat(job.path("status_times").fieldNames()).toIterable().containsExactly("NotStarted", "Queued",
                "Preparing", "Running", "Finalizing", "Completed");
        assertThat(job.path("outputs").path("model").path("path").asText())
                .isEqualTo("azureml://datastores/workspaceblobstore/paths/azureml/train1/model/");

        Path downloads = temporary.resolve("downloads");
        cli.ok("ml", "job", "download", "-n", "train1", "--download-path", downloads.toString());
        JsonNode model = Json.parse(Files.readString(downloads.resolve("train1/named-outputs/model/model.json")));
        assertThat(model.path("mean").asDouble()).isEqualTo(2.5);
        assertThat(Files.readString(downloads.resolve("train1/artifacts/user_logs/std_log.txt")))
                .contains("model written").contains("job ended: Completed");

        // The same run through the MLflow API: the job's name is its run id.
        String tracking = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("mlflow_tracking_uri").asText();
        String api = tracking.substring(server.url().length()) + "/api/2.0/mlflow/";
        String token = server.adminToken();
        JsonNode run = server.call("GET", api + "runs/get?run_id=train1", token, (String) null).body().path("run");
        assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
        assertThat(run.path("info").path("end_time").asLong()).isPositive();
        JsonNode history = server.call("GET", api + "metrics/get-history?run_id=train1&metric_key=loss", token,
                (String) null).body().path("metrics");
        assertThat(history).hasSize(10);
        JsonNode artifacts = server.call("GET", api + "artifacts/list?run_id=train1", token, (String) null).body();
        assertThat(artifacts.path("files").findValuesAsText("path")).containsExactly("notes.txt");
        JsonNode experiment = server.call("GET", api + "experiments/get-by-name?experiment_name="
                + URLEncoder.encode("tests", StandardCharsets.UTF_8), token, (String) null).body();
        assertThat(experiment.path("experiment").path("experiment_id").asText())
                .isEqualTo(run.path("info").path("experiment_id").asText());
        assertThat(cli.ok("ml", "job", "list", "-o", "table")).contains("train1").contains("Completed");
        // A job list shows each job's run as a job show does (read for all jobs at once: TrackingStore.summaries).
        String jobs = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                + "Microsoft.MachineLearningServices/workspaces/mlw/jobs";
        JsonNode listed = null;
        for (JsonNode item : server.call("GET", jobs + "?api-version=2024-04-01", token, (String) null).body().path("value")) {
            listed = item.path("name").asText().equals("train1") ? item : listed;
        }
        JsonNode shownRun = server.call("GET", jobs + "/train1?api-version=2024-04-01", token, (String) null).body()
                .path("properties").path("mlflow");
        assertThat(listed).isNotNull();
        assertThat(listed.path("properties").path("mlflow")).isEqualTo(shownRun);
        assertThat(shownRun.path("metrics").path("loss").asDouble()).isEqualTo(0.1);
        assertThat(shownRun.path("params").path("lr").asText()).isEqualTo("0.05");

        // And from the SDK: Workspace.getRun, as seed 003's ws.get_run.
        dev.amlite.sdk.AmliteClient sdk = new dev.amlite.sdk.AmliteClientBuilder().endpoint(server.url())
                .caFile(server.dataDirectory().resolve("tls").resolve("server.crt"))
                .credential(() -> new dev.amlite.sdk.AccessToken(token, java.time.Instant.now().plusSeconds(3000)))
                .buildClient();
        // No subscription given: the only one the credential sees is taken.
        assertThat(sdk.subscriptionId()).isEqualTo(server.subscriptionId());
        dev.amlite.sdk.ml.Workspace workspace = dev.amlite.sdk.ml.Workspace.get(sdk, "mlw", "rg1");
        assertThat(workspace.getMlflowTrackingUri()).isEqualTo(tracking);
        dev.amlite.sdk.ml.Run fromSdk = workspace.getRun("train1");
        assertThat(fromSdk.status()).isEqualTo("FINISHED");
        assertThat(fromSdk.metrics()).containsEntry("loss", 0.1).containsEntry("mean", 2.5);
        assertThat(fromSdk.params()).containsEntry("lr", "0.05").containsEntry("rows", "4");
        assertThat(fromSdk.tags()).containsEntry("stage", "test");
        assertThat(fromSdk.endTime()).isAfter(fromSdk.startTime());
        // Seed 003's compute_targets and get_default_compute_target('CPU'): the cluster named cpu-cluster.
        assertThat(workspace.computeTargets()).containsKey("cpu-cluster");
        assertThat(workspace.getDefaultComputeTarget("CPU").orElseThrow().path("properties").path("computeType").asText())
                .isEqualTo("AmlCompute");
        assertThat(workspace.getDefaultComputeTarget("GPU")).isEmpty();
    }

    @Test
    void cancelStopsTheWholeProcessTree() throws Exception {
        Path file = yaml("long", """
                command: echo "$GREETING, started"; (sleep 3131 &); sleep 3132 & python -c "import subprocess, time; subprocess.Popen(['sleep', '3133']); time.sleep(3134)"
                environment:
                  image: python:3.11
                compute: azureml:cpu-cluster
                environment_variables:
                  GREETING: hello
                """);
        cli.ok("ml", "job", "create", "-f", file.toString(), "-n", "long1", "-o", "none");
        awaitJob("long1", j -> j.path("status").asText().equals("Running"), 60);
        for (int i = 0; i < 40 && sleeps().size() < 3; i++) {
            Thread.sleep(250);
        }
        assertThat(sleeps()).as("the job's processes, a reparented one among them").hasSize(3);
        assertThat(pythonChild()).as("the python child").hasSize(1);

        JsonNode cancelled = Json.parse(cli.ok("ml", "job", "cancel", "-n", "long1"));
        assertThat(cancelled.path("status").asText()).isEqualTo("Canceled");
        for (int i = 0; i < 40 && !(sleeps().isEmpty() && pythonChild().isEmpty()); i++) {
            Thread.sleep(250);
        }
        // Matched by executable and argument: a loose match on "313" also caught unrelated processes on CI.
        assertThat(sleeps()).as("every sleep of the job is gone").isEmpty();
        assertThat(pythonChild()).as("the python child is gone").isEmpty();
        assertThat(cli.run("ml", "job", "stream", "-n", "long1").out()).contains("hello, started")
                .contains("job ended: Canceled");
        assertThat(cli.run("ml", "job", "cancel", "-n", "long1").err()).contains("has ended (Canceled)");
    }

    @Test
    void theAssetsOfAJobYetToEndCannotBeDeletedUntilItEnds() throws Exception {
        String data = Json.parse(cli.ok("ml", "data", "create", "-n", "held", "-v", "1", "-t", "uri_folder", "-p",
                jobs.resolve("data").toString())).path("id").asText();
        Path file = yaml("holding", """
                command: ls ${{inputs.values}}; sleep 3141
                code: %s
                environment:
                  image: python:3.11
                compute: azureml:cpu-cluster
                inputs:
                  values:
                    type: uri_folder
                    path: azureml:held:1
                """.formatted(jobs.resolve("src")));
        cli.ok("ml", "job", "create", "-f", file.toString(), "-n", "holding1", "-o", "none");
        String code = show("holding1").path("code").asText().replaceFirst("^azureml:", "");
        assertThat(code).contains("/codes/");
        awaitJob("holding1", j -> j.path("status").asText().equals("Running"), 60);

        for (String asset : List.of(data, data.replaceFirst("/versions/1$", ""), code)) {
            Cli.Result refused = cli.run("resource", "delete", "--ids", asset);
            assertThat(refused.exitCode()).as(asset).isNotZero();
            assertThat(refused.err()).contains("Conflict").contains("job 'holding1' (Running)");
        }
        assertThat(cli.run("resource", "show", "--ids", data).exitCode()).as("still registered").isZero();

        cli.ok("ml", "job", "cancel", "-n", "holding1", "-o", "none");
        cli.ok("resource", "delete", "--ids", data);
        cli.ok("resource", "delete", "--ids", code);
        assertThat(cli.run("resource", "show", "--ids", data).exitCode()).isEqualTo(3);
        assertThat(cli.run("resource", "show", "--ids", code).exitCode()).isEqualTo(3);
    }

    @Test
    void aFailingCommandFailsTheJobWithTheEndOfItsLog() throws Exception {
        Path file = yaml("fail", """
                command: echo about to fail; python -c "import sys; print('no such column', file=sys.stderr); sys.exit(3)"
                environment:
                  image: python:3.11
                compute: azureml:cpu-cluster
                """);
        Cli.Result streamed = cli.run("ml", "job", "create", "-f", file.toString(), "-n", "fail1", "--stream");
        assertThat(streamed.exitCode()).isEqualTo(1);
        assertThat(streamed.out()).contains("Status: Failed");
        assertThat(streamed.err()).contains("exited with code 3").contains("no such column");
        JsonNode job = show("fail1");
        assertThat(job.path("status").asText()).isEqualTo("Failed");
        assertThat(job.path("exit_code").asInt()).isEqualTo(3);
        assertThat(job.path("error").path("code").asText()).isEqualTo("UserError");
    }

    @Test
    void aClusterGrowsForQueuedJobsUpToItsMaximumAndShrinksWhenIdle() throws Exception {
        cli.ok("ml", "compute", "create", "-n", "small", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                "--min-instances", "0", "--max-instances", "2", "--idle-time-before-scale-down", "2", "-o", "none");
        // Long enough that the third job still waits after the CLI (about a second a command) submitted it.
        Path file = yaml("short", "command: sleep 8\nenvironment:\n  image: python:3.11\ncompute: azureml:small\n");
        for (String name : List.of("s1", "s2", "s3")) {
            cli.ok("ml", "job", "create", "-f", file.toString(), "-n", name, "-o", "none");
        }
        JsonNode waiting = awaitJob("s3", j -> j.path("waiting_for").asText().contains("busy"), 30);
        assertThat(waiting.path("status").asText()).isEqualTo("Queued");
        assertThat(waiting.path("waiting_for").asText()).contains("all 2 node(s) of 'small' are busy (max_instances 2)");
        assertThat(Json.parse(cli.ok("ml", "compute", "show", "-n", "small")).path("current_node_count").asInt())
                .isEqualTo(2);
        for (String name : List.of("s1", "s2", "s3")) {
            awaitJob(name, j -> j.path("status").asText().equals("Completed"), 60);
        }
        JsonNode shrunk = Json.parse(cli.ok("ml", "compute", "show", "-n", "small"));
        for (int i = 0; i < 40 && shrunk.path("current_node_count").asInt() > 0; i++) {
            Thread.sleep(250);
            shrunk = Json.parse(cli.ok("ml", "compute", "show", "-n", "small"));
        }
        assertThat(shrunk.path("current_node_count").asInt()).as("idle nodes leave after 2 s").isZero();
        assertThat(shrunk.path("cost_estimate").path("node_hours").asDouble()).isPositive();
    }

    @Test
    void jobsAreListedNewestFirstAndMaxResultsShowsTheNewest() throws Exception {
        Path file = yaml("listed", "command: echo listed\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:cpu-cluster\n");
        for (String name : List.of("listed-a", "listed-c", "listed-b")) {
            cli.ok("ml", "job", "create", "-f", file.toString(), "-n", name, "-o", "none");
        }
        assertThat(cli.ok("ml", "job", "list", "--max-results", "2", "--query", "[].name", "-o", "tsv").strip()
                .split("\n")).containsExactly("listed-b", "listed-c");
        // The server's own order, which a client that stops after the first page relies on.
        String jobsPath = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                + "Microsoft.MachineLearningServices/workspaces/mlw/jobs?api-version=2024-04-01";
        List<String> order = new java.util.ArrayList<>();
        server.call("GET", jobsPath, server.adminToken(), (String) null).body().get("value")
                .forEach(job -> order.add(job.get("name").asText()));
        assertThat(order).containsSubsequence("listed-b", "listed-c", "listed-a");
        assertThat(order.subList(0, 3)).containsExactly("listed-b", "listed-c", "listed-a");
        // $top (what --max-results sends) makes only the newest few.
        List<String> top = new java.util.ArrayList<>();
        server.call("GET", jobsPath + "&$top=2", server.adminToken(), (String) null).body().get("value")
                .forEach(job -> top.add(job.get("name").asText()));
        assertThat(top).containsExactly("listed-b", "listed-c");
        TestServer.Answer bad = server.call("GET", jobsPath + "&$top=two", server.adminToken(), (String) null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.message()).contains("$top must be a whole number");
        assertThat(cli.run("ml", "job", "list", "-r", "-1").err()).contains("--max-results must be at least 1");
        for (String name : List.of("listed-a", "listed-c", "listed-b")) {
            awaitJob(name, j -> j.path("status").asText().equals("Completed"), 60);
        }
    }

    @Test
    void archivedJobsLeaveTheListUntilRestoredAndStayWhole() throws Exception {
        Path file = yaml("archived", "command: echo archived\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:cpu-cluster\n");
        for (String name : List.of("arch-a", "arch-b", "arch-c")) {
            cli.ok("ml", "job", "create", "-f", file.toString(), "-n", name, "-o", "none");
        }
        cli.ok("ml", "job", "archive", "-n", "arch-c");
        cli.ok("ml", "job", "archive", "-n", "arch-b");
        // The newest shown job is arch-a: --max-results counts the jobs shown, not those read before hiding some.
        assertThat(cli.ok("ml", "job", "list", "-r", "1", "--query", "[].name", "-o", "tsv").strip())
                .isEqualTo("arch-a");
        assertThat(cli.ok("ml", "job", "list", "--query", "[].name", "-o", "tsv"))
                .contains("arch-a").doesNotContain("arch-b").doesNotContain("arch-c");
        assertThat(cli.ok("ml", "job", "list", "--archived-only", "--query", "[].name", "-o", "tsv").strip()
                .split("\n")).containsExactly("arch-c", "arch-b");
        assertThat(cli.ok("ml", "job", "list", "--include-archived", "-r", "3", "--query", "[].name", "-o", "tsv")
                .strip().split("\n")).containsExactly("arch-c", "arch-b", "arch-a");
        // Archived, the job is all there: shown, streamed, its state kept.
        JsonNode archived = awaitJob("arch-b", j -> j.path("status").asText().equals("Completed"), 60);
        assertThat(archived.path("archived").asBoolean()).isTrue();
        assertThat(cli.ok("ml", "job", "stream", "-n", "arch-b")).contains("archived");
        cli.ok("ml", "job", "restore", "-n", "arch-b");
        assertThat(show("arch-b").path("archived").asBoolean()).isFalse();
        assertThat(cli.ok("ml", "job", "list", "-r", "1", "--query", "[].name", "-o", "tsv").strip())
                .isEqualTo("arch-b");

        Cli.Result absent = cli.run("ml", "job", "archive", "-n", "no-such-job");
        assertThat(absent.exitCode()).isNotZero();
        assertThat(absent.err()).contains("no-such-job").contains("was not found");
        Cli.Result both = cli.run("ml", "job", "list", "--archived-only", "--include-archived");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("cannot be used together");
        String jobsPath = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                + "Microsoft.MachineLearningServices/workspaces/mlw/jobs";
        TestServer.Answer badView = server.call("GET", jobsPath + "?api-version=2024-04-01&listViewType=Hidden",
                server.adminToken(), (String) null);
        assertThat(badView.status()).isEqualTo(400);
        assertThat(badView.message()).contains("listViewType must be ActiveOnly, ArchivedOnly, All; 'Hidden'");
        TestServer.Answer badFlag = server.call("PUT", jobsPath + "/arch-a?api-version=2024-04-01",
                server.adminToken(), "{\"properties\":{\"isArchived\":\"yes\"}}");
        assertThat(badFlag.status()).isEqualTo(400);
        assertThat(badFlag.message()).contains("properties.isArchived must be true or false");
        assertThat(show("arch-a").path("archived").asBoolean()).isFalse();
    }

    @Test
    void aTakenNameTakesTheSameJobAgainButNotAnotherOne() throws Exception {
        Path first = yaml("named", "command: echo first-run\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:cpu-cluster\n");
        cli.ok("ml", "job", "create", "-f", first.toString(), "-n", "taken", "-o", "none");
        awaitJob("taken", j -> j.path("status").asText().equals("Completed"), 60);
        // The same submission again (a retried submit) is the same job, ended as it was.
        JsonNode again = Json.parse(cli.ok("ml", "job", "create", "-f", first.toString(), "-n", "taken"));
        assertThat(again.path("status").asText()).isEqualTo("Completed");

        Path other = yaml("other", "command: echo second-run\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:cpu-cluster\nenvironment_variables:\n  MODE: fast\n");
        Cli.Result refused = cli.run("ml", "job", "create", "-f", other.toString(), "-n", "taken");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("A job named 'taken' exists already (Completed)")
                .contains("differs in command, environment_variables")
                .contains("only its display name, description and tags can");
        assertThat(show("taken").path("command").asText()).isEqualTo("echo first-run");
        assertThat(cli.ok("ml", "job", "stream", "-n", "taken")).contains("first-run").doesNotContain("second-run");
        // Its name, description and tags still change.
        cli.ok("ml", "job", "update", "-n", "taken", "--set", "display_name=renamed", "--set", "tags.k=v", "-o", "none");
        assertThat(show("taken").path("display_name").asText()).isEqualTo("renamed");
    }

    @Test
    void theSameJobSubmittedSeveralTimesAtOnceIsOneJobRunOnce() throws Exception {
        cli.ok("ml", "environment", "create", "-n", "plain", "--version", "1", "--image", "python:3.11", "-o", "none");
        String workspace = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw";
        String body = "{\"properties\":{\"jobType\":\"Command\",\"command\":\"echo ran-once-$RANDOM\","
                + "\"environmentId\":\"azureml:plain:1\",\"computeId\":\"azureml:cpu-cluster\"}}";
        String token = server.adminToken();
        // Eight submissions released together over HTTP, as a client's retries racing its first try would be.
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<TestServer.Answer>> submits = new java.util.ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                submits.add(threads.submit(() -> {
                    go.await();
                    return server.callAlone("PUT", workspace + "/jobs/atonce?api-version=2024-04-01", token, body);
                }));
            }
            go.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var submit : submits) {
                statuses.add(submit.get().status());
            }
            assertThat(statuses).as("one made it, the others got it").containsOnly(200, 201);
            assertThat(statuses).containsOnlyOnce(201);
        }
        awaitJob("atonce", j -> j.path("status").asText().equals("Completed"), 60);
        String log = cli.ok("ml", "job", "stream", "-n", "atonce");
        assertThat(log.lines().filter(line -> line.matches("ran-once-\\d+"))).as("the command ran once: %s", log)
                .hasSize(1);
    }

    @Test
    void assetsNamedAtLatestAreTheirNewestActiveVersionsWhenTheJobIsSubmitted() throws Exception {
        for (String version : List.of("1", "2", "3")) {
            cli.ok("ml", "environment", "create", "-n", "moving-env", "-v", version, "--image", "python:3.11", "-o",
                    "none");
            Path file = temporary.resolve("words-" + version + ".txt");
            Files.writeString(file, "words of version " + version + "\n");
            cli.ok("ml", "data", "create", "-n", "words", "-v", version, "-t", "uri_file", "-p", file.toString(), "-o",
                    "none");
        }
        // An archived version is not the latest any more (as in Azure).
        cli.ok("ml", "data", "archive", "-n", "words", "-v", "3");
        Path file = yaml("latest", "command: cat ${{inputs.words}}\nenvironment: azureml:moving-env@latest\n"
                + "compute: azureml:cpu-cluster\ninputs:\n  words:\n    type: uri_file\n    path: azureml:words@latest\n");
        cli.ok("ml", "job", "create", "-f", file.toString(), "-n", "at-latest", "-o", "none");
        JsonNode job = awaitJob("at-latest", j -> j.path("status").asText().equals("Completed"), 60);
        assertThat(job.path("environment").asText()).endsWith("/environments/moving-env/versions/3");
        assertThat(job.path("inputs").path("words").path("path").asText()).endsWith("/data/words/versions/2");
        assertThat(cli.ok("ml", "job", "stream", "-n", "at-latest")).contains("words of version 2");

        Path nothing = yaml("latest-none", "command: echo hi\nenvironment: azureml:never-made@latest\n"
                + "compute: azureml:cpu-cluster\n");
        Cli.Result refused = cli.run("ml", "job", "create", "-f", nothing.toString(), "-n", "at-none");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("never-made");
    }

    @Test
    void jobsThatCannotRunAreRefusedAndNothingIsStored() throws Exception {
        String env = "environment:\n  image: python:3.11\n";
        assertThat(cli.run("ml", "job", "create", "-n", "bad1", "-f", yaml("bad1",
                "command: echo hi\n" + env + "compute: azureml:nowhere\n").toString()).err())
                .contains("Compute 'nowhere' does not exist");
        assertThat(cli.run("ml", "job", "create", "-n", "bad2", "-f", yaml("bad2",
                "command: echo hi\nenvironment: azureml:missing-env:1\ncompute: azureml:cpu-cluster\n").toString()).err())
                .contains("Environment 'missing-env' version '1' does not exist");
        assertThat(cli.run("ml", "job", "create", "-n", "bad3", "-f", yaml("bad3",
                "command: echo ${{inputs.data}}\n" + env + "compute: azureml:cpu-cluster\n").toString()).err())
                .contains("has no input 'data'");
        assertThat(cli.run("ml", "job", "create", "-n", "bad4", "-f", yaml("bad4",
                "command: echo hi\n" + env + "compute: azureml:cpu-cluster\nresource: 1\n").toString()).err())
                .contains("unknown field 'resource'");
        assertThat(cli.run("ml", "job", "create", "-n", "bad5", "-f", yaml("bad5",
                "command: echo hi\n" + env + "compute: azureml:cpu-cluster\ninputs:\n  d:\n    type: uri_folder\n"
                        + "    path: azureml://datastores/workspaceblobstore/paths/not/there\n").toString()).err())
                .contains("No files are at");
        assertThat(cli.run("ml", "job", "create", "-n", "bad6", "-f", yaml("bad6",
                "command: echo hi\n" + env + "compute: azureml:cpu-cluster\ndistribution:\n  type: pytorch\n").toString())
                .err()).contains("distributed (multi-node) training is not supported yet");
        assertThat(cli.run("ml", "job", "create", "-n", "bad7", "-f", yaml("bad7",
                "command: echo hi\n" + env + "compute: azureml:cpu-cluster\nresources:\n  instance_count: 2\n").toString())
                .err()).contains("resources.instance_count 2 is not supported");
        assertThat(cli.run("ml", "job", "create", "-n", "bad8", "-f", yaml("bad8",
                "command: echo hi\n" + env + "compute: azureml:cpu-cluster\nlimits:\n  timeout: soon\n").toString())
                .err()).contains("limits.timeout is the job's longest run in seconds");
        assertThat(cli.run("ml", "job", "create", "-n", "bad9", "-f", yaml("bad9", "command: echo hi\nenvironment: "
                + "azureml://registries/azureml/environments/sklearn-1.5/labels/latest\ncompute: azureml:cpu-cluster\n")
                .toString()).err()).contains("names a registry; amlite has no registries")
                .contains("'amlite ml environment create'");
        for (String name : List.of("bad1", "bad2", "bad3", "bad4", "bad5", "bad6", "bad7", "bad8", "bad9")) {
            assertThat(cli.run("ml", "job", "show", "-n", name).exitCode()).isEqualTo(3);
        }
    }

    @Test
    void aJobPastItsTimeoutIsStoppedAndFails() throws Exception {
        Path file = yaml("timeout", "command: sleep 5151\nenvironment:\n  image: python:3.11\n"
                + "compute: azureml:cpu-cluster\nlimits:\n  timeout: 2\n");
        cli.ok("ml", "job", "create", "-f", file.toString(), "-n", "slow1", "-o", "none");
        JsonNode failed = awaitJob("slow1", j -> j.path("status").asText().equals("Failed"), 30);
        assertThat(failed.path("error").path("code").asText()).isEqualTo("JobTimeout");
        assertThat(failed.path("error").path("message").asText()).contains("limits.timeout of 2 s");
        assertThat(sleeping("5151")).as("its process was stopped").isEmpty();
    }
}
