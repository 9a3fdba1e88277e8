package dev.amlite.it;

import dev.amlite.core.Json;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreVendor;
import dev.amlite.store.TrackingStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace's MLflow runs go with the workspace when it goes for good — purged by the user, or deleted with its
 * resource group — and only then: a soft-deleted workspace keeps them (recovering it brings them back), and other
 * workspaces keep theirs. What is gone is checked in the server's own database, since a purged workspace's runs
 * cannot be asked for through any API.
 */
class WorkspaceTrackingPurgeTest {
    @TempDir
    Path temporary;

    @Test
    void runsGoWithAPurgedOrGroupDeletedWorkspaceAndStayWithEveryOther() throws Exception {
        Path data = temporary.resolve("data");
        // A 10 s retention makes the purge sweep run every 5 s.
        try (TestServer server = TestServer.start(data, "--http", "--soft-delete-retention", "10s");
             Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(data), null, null, 2))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("group", "create", "-n", "rg2", "-l", "japaneast", "-o", "none");
            Map<String, String> groups = new LinkedHashMap<>();
            groups.put("mlw", "rg1");
            groups.put("soft", "rg1");
            groups.put("purged", "rg1");
            groups.put("grouped", "rg2");
            Map<String, String> keys = new LinkedHashMap<>();
            Map<String, MlflowClient> clients = new LinkedHashMap<>();
            for (Map.Entry<String, String> workspace : groups.entrySet()) {
                if (!workspace.getKey().equals("mlw")) {
                    cli.ok("ml", "workspace", "create", "-n", workspace.getKey(), "-g", workspace.getValue(), "-o", "none");
                }
                var shown = Json.parse(cli.ok("ml", "workspace", "show", "-n", workspace.getKey(), "-g",
                        workspace.getValue()));
                keys.put(workspace.getKey(), shown.path("workspace_id").asText().toLowerCase(Locale.ROOT));
                MlflowClient client = new MlflowClient(new BasicMlflowHostCreds(
                        shown.path("mlflow_tracking_uri").asText(), server.adminToken()));
                String experiment = client.createExperiment("work-of-" + workspace.getKey());
                Service.RunInfo run = client.createRun(experiment);
                client.logMetric(run.getRunId(), "loss", 0.25);
                client.sendPost("registered-models/create", "{\"name\":\"model-of-" + workspace.getKey() + "\"}");
                clients.put(workspace.getKey(), client);
            }
            TrackingStore tracking = new TrackingStore(database);
            assertThat(tracking.workspaceKeys()).containsAll(keys.values());

            cli.ok("ml", "workspace", "delete", "-n", "soft", "-g", "rg1", "--yes");
            cli.ok("ml", "workspace", "delete", "-n", "purged", "-g", "rg1", "--permanently-delete", "--yes");
            assertThat(tracking.workspaceKeys()).as("a purge forgets the workspace's runs at once")
                    .doesNotContain(keys.get("purged")).contains(keys.get("soft"));
            cli.ok("ml", "workspace", "create", "-n", "soft", "-g", "rg1", "-o", "none"); // recovers it (WS-6)
            assertThat(clients.get("soft").getExperimentByName("work-of-soft")).isPresent();

            cli.ok("group", "delete", "-n", "rg2", "--yes");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (tracking.workspaceKeys().contains(keys.get("grouped")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Set<String> left = tracking.workspaceKeys();
            assertThat(left).as("the sweep forgets a workspace deleted with its group")
                    .doesNotContain(keys.get("grouped"), keys.get("purged"))
                    .contains(keys.get("mlw"), keys.get("soft"));
            for (String kept : new String[] {"mlw", "soft"}) {
                MlflowClient client = clients.get(kept);
                String experiment = client.getExperimentByName("work-of-" + kept).orElseThrow().getExperimentId();
                assertThat(client.searchRuns(java.util.List.of(experiment), "")).singleElement()
                        .satisfies(run -> assertThat(client.getRun(run.getRunId()).getData().getMetricsList())
                                .extracting(Service.Metric::getValue).containsExactly(0.25));
                assertThat(client.getRegisteredModel("model-of-" + kept).getName()).isEqualTo("model-of-" + kept);
            }
            clients.values().forEach(MlflowClient::close);
        }
    }
}
