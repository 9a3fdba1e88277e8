package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's MLFLOW_TRACKING_TOKEN on a server whose access tokens live 3 s: the job logs to MLflow before and after
 * that, the token opens neither ARM nor another workspace's MLflow, and it opens nothing once the job has ended.
 */
class JobTrackingTokenTest {
    private static final String SCRIPT = """
            import json, os, sys, time, urllib.error, urllib.request
            uri, token, run = (os.environ[k] for k in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_RUN_ID"))

            def status(url, body=None):
                request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                                 method="GET" if body is None else "POST",
                                                 headers={"Authorization": "Bearer " + token,
                                                          "Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request) as answer:
                        return answer.status
                except urllib.error.HTTPError as e:
                    return "%d %s" % (e.code, json.load(e).get("error_code", ""))

            def log(base, step):
                return status(base + "/api/2.0/mlflow/runs/log-metric", {"run_id": run, "key": "step", "value": step,
                                                                       "timestamp": int(time.time() * 1000), "step": step})

            print("at the start:", log(uri, 0), flush=True)
            # While a submitter's access token would still be valid: the job's token is refused all the same.
            print("another workspace:", log(uri.rsplit("/workspaces/", 1)[0] + "/workspaces/other", 2), flush=True)
            server, arm = uri.split("/mlflow/v1.0")
            print("ARM:", status(server + arm + "?api-version=2024-04-01"), flush=True)
            time.sleep(float(sys.argv[2]))
            print("after the access tokens' lifetime:", log(uri, 1), flush=True)
            os.makedirs(sys.argv[1], exist_ok=True)
            with open(os.path.join(sys.argv[1], "token"), "w") as f:
                f.write(token)
            """;
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"), "--token-lifetime", "3s");
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                "--min-instances", "0", "--max-instances", "1", "-o", "none");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aJobLogsToMlflowPastTheAccessTokensLifetimeWithATokenThatOpensNothingElse() throws Exception {
        Path code = Files.createDirectories(temporary.resolve("src"));
        Files.writeString(code.resolve("track.py"), SCRIPT);
        Path job = temporary.resolve("job.yml");
        Files.writeString(job, """
                command: python track.py ${{outputs.out}} 5
                code: ./src
                environment:
                  image: python:3.11
                compute: azureml:cpu
                outputs:
                  out:
                    type: uri_folder
                """);
        Cli.Result streamed = cli.run("ml", "job", "create", "-f", job.toString(), "-n", "long-run", "--stream");
        assertThat(streamed.exitCode()).as(streamed.err()).isZero();
        assertThat(streamed.out()).contains("at the start: 200").contains("after the access tokens' lifetime: 200")
                .contains("another workspace: 403 PERMISSION_DENIED").contains("ARM: 401")
                .contains("Status: Completed");

        String tracking = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("mlflow_tracking_uri").asText();
        String api = tracking.substring(server.url().length()) + "/api/2.0/mlflow/";
        JsonNode history = server.call("GET", api + "metrics/get-history?run_id=long-run&metric_key=step",
                server.adminToken(), (String) null).body().path("metrics");
        assertThat(history.findValuesAsText("step")).containsExactly("0", "1");

        Path downloads = temporary.resolve("downloads");
        cli.ok("ml", "job", "download", "-n", "long-run", "--download-path", downloads.toString());
        String token = Files.readString(downloads.resolve("long-run/named-outputs/out/token"));
        TestServer.Answer after = server.call("GET", api + "runs/get?run_id=long-run", token, (String) null);
        assertThat(after.status()).as("the job has ended").isEqualTo(401);
        assertThat(after.body().path("error_code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(after.body().path("message").asText()).contains("its job has ended");
    }
}
