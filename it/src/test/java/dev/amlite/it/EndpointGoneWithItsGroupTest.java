package dev.amlite.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An online endpoint goes with its workspace or its resource group: once the delete returns, its key opens nothing
 * (404) and its instances are stopped. A workspace's soft delete hard-deletes its endpoints, as Azure's does, so
 * recovering the workspace does not bring them back. Before, the deleted endpoint went on answering with its old key.
 */
class EndpointGoneWithItsGroupTest {
    @TempDir
    Path temporary;

    @Test
    void aDeletedGroupsOrWorkspacesEndpointNoLongerAnswersAndItsInstancesStop() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--http")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("group", "create", "-n", "rg2", "-l", "japaneast", "-o", "none");
            cli.ok("ml", "workspace", "create", "-n", "mlw2", "-g", "rg2", "-o", "none");
            HttpRequest inGroup = serving(cli, "mlw", "rg1", "grouped");
            HttpRequest inWorkspace = serving(cli, "mlw2", "rg2", "softly");
            assertThat(instances(server)).as("two deployments' instances").hasSizeGreaterThanOrEqualTo(2);

            cli.ok("group", "delete", "-n", "rg1", "--yes");
            assertThat(score(server, inGroup).statusCode()).as("the deleted group's endpoint").isEqualTo(404);
            assertThat(score(server, inWorkspace).statusCode()).as("an endpoint of another group").isEqualTo(200);

            cli.ok("ml", "workspace", "delete", "-n", "mlw2", "-g", "rg2", "--yes");
            assertThat(score(server, inWorkspace).statusCode()).as("the soft-deleted workspace's endpoint")
                    .isEqualTo(404);
            waitForNoInstances(server);

            cli.ok("ml", "workspace", "create", "-n", "mlw2", "-g", "rg2", "-o", "none");
            assertThat(cli.ok("ml", "online-endpoint", "list", "-w", "mlw2", "-g", "rg2").strip())
                    .as("endpoints of the recovered workspace").isEqualTo("[]");
            assertThat(score(server, inWorkspace).statusCode()).isEqualTo(404);
        }
    }

    /** Makes endpoint {@code name} with a deployment taking all traffic; returns a scoring request with its key. */
    private HttpRequest serving(Cli cli, String workspace, String group, String name) throws Exception {
        cli.ok("ml", "online-endpoint", "create", "-n", name, "-w", workspace, "-g", group, "-o", "none");
        cli.ok("ml", "online-deployment", "create", "-w", workspace, "-g", group, "-f",
                BehavingDeployment.yaml(temporary, name, "blue", "").toString(), "--all-traffic", "-o", "none");
        String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", name, "-w", workspace, "-g", group,
                "-o", "tsv", "--query", "primaryKey").strip();
        String uri = cli.ok("ml", "online-endpoint", "show", "-n", name, "-w", workspace, "-g", group, "-o", "tsv",
                "--query", "scoring_uri").strip();
        return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\": [2]}"))
                .build();
    }

    private static HttpResponse<String> score(TestServer server, HttpRequest request) throws Exception {
        return server.http().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The instance processes of this server's deployments: this JVM's descendants started below its data folder. */
    private static List<ProcessHandle> instances(TestServer server) {
        String data = server.dataDirectory().toString();
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(data)).toList();
    }

    private static void waitForNoInstances(TestServer server) throws InterruptedException {
        for (int i = 0; i < 100 && !instances(server).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(instances(server)).as("instances left running").isEmpty();
    }
}
