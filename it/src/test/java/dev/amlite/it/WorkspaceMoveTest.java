package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Seed 000's move, command for command: validate, move, and what the workspace keeps and leaves behind. */
class WorkspaceMoveTest {
    @TempDir
    Path temporary;

    @Test
    void aWorkspaceMovesToAnotherSubscriptionWithItsAssetsRunsAndGuid() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            String origin = server.subscriptionId();
            String destination = Json.parse(cli.ok("account", "create", "--display-name", "destination"))
                    .path("subscriptionId").asText();
            JsonNode before = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw"));
            String guid = Json.parse(cli.ok("resource", "show", "--ids", before.path("id").asText()))
                    .path("properties").path("workspaceId").asText();

            Path model = Files.createDirectories(temporary.resolve("model"));
            Files.writeString(model.resolve("weights.txt"), "0.5 0.25\n");
            cli.ok("ml", "model", "create", "-n", "reg", "-v", "1", "--path", model.toString(), "-o", "none");
            Path iris = temporary.resolve("iris.csv");
            Files.writeString(iris, "a,b\n1,2\n");
            cli.ok("ml", "data", "create", "-n", "iris", "--type", "uri_file", "--path", iris.toString(), "-o", "none");
            cli.ok("ml", "compute", "create", "-n", "cpu-cluster", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            Path code = Files.createDirectories(temporary.resolve("src"));
            Files.writeString(code.resolve("log.py"), String.join("\n",
                    "import json, os, time, urllib.request",
                    "body = {'run_id': os.environ['MLFLOW_RUN_ID'], 'key': 'acc', 'value': 0.9,",
                    "        'timestamp': int(time.time() * 1000)}",
                    "request = urllib.request.Request(os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow/runs/log-metric',",
                    "    data=json.dumps(body).encode(), method='POST', headers={'Content-Type': 'application/json',",
                    "    'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN']})",
                    "urllib.request.urlopen(request).read()", ""));
            Path job = temporary.resolve("job.yml");
            Files.writeString(job, "command: python log.py\ncode: ./src\nenvironment:\n  image: python:3.11\n"
                    + "compute: azureml:cpu-cluster\n");
            Cli.Result ran = cli.run("ml", "job", "create", "-f", job.toString(), "-n", "before-move", "--stream");
            assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
            cli.ok("ad", "user", "create", "--display-name", "Val", "--user-principal-name", "val@contoso.com",
                    "--password", "Val-pa55word", "-o", "none");
            cli.ok("role", "assignment", "create", "--assignee", "val@contoso.com", "--role", "Reader", "--scope",
                    before.path("id").asText(), "-o", "none");

            // Seed 000, step by step: the compute keeps the workspace from moving until it is deleted.
            cli.ok("account", "set", "-s", origin);
            cli.ok("group", "create", "-g", "destination-rg", "-l", "japaneast", "--subscription", destination, "-o", "none");
            String workspaceId = "/subscriptions/" + origin + "/resourceGroups/rg1/providers/"
                    + "Microsoft.MachineLearningServices/workspaces/mlw";
            String body = "{  \"resources\": [\"" + workspaceId + "\"],\"targetResourceGroup\":\"/subscriptions/"
                    + destination + "/resourceGroups/destination-rg\" }";
            Cli.Result busy = cli.run("resource", "invoke-action", "--action", "validateMoveResources", "--ids",
                    "/subscriptions/" + origin + "/resourceGroups/rg1", "--request-body", body);
            assertThat(busy.err()).contains("(WorkspaceHasComputes)");
            Cli.Result refused = cli.run("resource", "move", "--destination-group", "destination-rg",
                    "--destination-subscription-id", destination, "--ids", workspaceId);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("(WorkspaceHasComputes)");
            assertThat(cli.run("ml", "workspace", "show", "-n", "mlw").exitCode()).as("nothing moved").isZero();
            cli.ok("ml", "compute", "delete", "-n", "cpu-cluster", "--yes");

            JsonNode valid = Json.parse(cli.ok("resource", "invoke-action", "--action", "validateMoveResources", "--ids",
                    "/subscriptions/" + origin + "/resourceGroups/rg1", "--request-body", body));
            assertThat(valid.path("status").asText()).isEqualTo("Succeeded");
            assertThat(valid.path("properties").path("leftBehind").toString()).contains("data asset 'iris'")
                    .contains("role assignment");
            cli.ok("resource", "move", "--destination-group", "destination-rg", "--destination-subscription-id",
                    destination, "--ids", workspaceId);

            // Gone from the source, whole at the target: same GUID, assets with their files, the job and its run.
            assertThat(cli.run("ml", "workspace", "show", "-n", "mlw", "-g", "rg1").exitCode()).isEqualTo(3);
            cli.ok("configure", "--defaults", "group=destination-rg", "workspace=mlw");
            JsonNode moved = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw", "--subscription", destination));
            assertThat(moved.path("id").asText()).startsWith("/subscriptions/" + destination + "/resourceGroups/destination-rg/");
            JsonNode movedArm = Json.parse(cli.ok("resource", "show", "--ids", moved.path("id").asText()));
            assertThat(movedArm.path("properties").path("workspaceId").asText()).isEqualTo(guid);
            assertThat(movedArm.path("properties").path("amliteMoveHistory").get(0).path("removedRoleAssignments")
                    .get(0).path("scope").asText()).isEqualTo(workspaceId);
            cli.ok("account", "set", "-s", destination);
            Path out = temporary.resolve("out");
            cli.ok("ml", "model", "download", "-n", "reg", "-v", "1", "--download-path", out.toString());
            assertThat(Files.readString(out.resolve("reg/model/weights.txt"))).isEqualTo("0.5 0.25\n");
            JsonNode moverJob = Json.parse(cli.ok("ml", "job", "show", "-n", "before-move"));
            assertThat(moverJob.path("status").asText()).isEqualTo("Completed");
            assertThat(moverJob.path("metrics").path("acc").asDouble()).as("the run came along (keyed by GUID)")
                    .isEqualTo(0.9);
            assertThat(cli.run("ml", "data", "show", "-n", "iris", "-v", "1").exitCode()).as("data assets stay behind")
                    .isEqualTo(3);
            // Seed 000: recreate computes in the new place.
            cli.ok("ml", "compute", "create", "-n", "cpu-cluster", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "-o", "none");
        }
    }
}
