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
 * Issue 7's first part: seed 000's validateMoveResources, exactly as the seed prints it, through the CLI — every
 * problem listed at once, each with its own code, and what the move would leave behind.
 */
class MoveValidationTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static String origin;
    static String destination;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        origin = server.subscriptionId();
        destination = Json.parse(cli.ok("account", "create", "--display-name", "destination")).path("subscriptionId")
                .asText();
        cli.ok("group", "create", "-g", "destination-rg", "-l", "japaneast", "--subscription", destination, "-o", "none");
        cli.ok("group", "create", "-g", "west-rg", "-l", "westus2", "--subscription", destination, "-o", "none");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String body(String workspace, String targetSubscription, String targetGroup) {
        return "{  \"resources\": [\"/subscriptions/" + origin + "/resourceGroups/rg1/providers/"
                + "Microsoft.MachineLearningServices/workspaces/" + workspace + "\"],\"targetResourceGroup\":\""
                + "/subscriptions/" + targetSubscription + "/resourceGroups/" + targetGroup + "\" }";
    }

    static Cli.Result validate(Cli as, String workspace, String targetSubscription, String targetGroup) {
        return as.run("resource", "invoke-action", "--action", "validateMoveResources", "--ids",
                "/subscriptions/" + origin + "/resourceGroups/rg1", "--request-body",
                body(workspace, targetSubscription, targetGroup));
    }

    @Test
    void aQuietWorkspaceValidatesAndWhatStaysBehindIsListed() throws Exception {
        cli.ok("ml", "workspace", "create", "-n", "quiet", "-g", "rg1", "-o", "none");
        Path iris = temporary.resolve("iris.csv");
        Files.writeString(iris, "sepal,petal\n1,2\n");
        cli.ok("ml", "data", "create", "-n", "iris", "-w", "quiet", "--type", "uri_file", "--path", iris.toString(),
                "-o", "none");
        Cli.Result result = validate(cli, "quiet", destination, "destination-rg");
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode status = result.json();
        assertThat(status.path("status").asText()).isEqualTo("Succeeded");
        assertThat(status.path("properties").path("leftBehind").toString()).contains("data asset 'iris'");
    }

    @Test
    void everyProblemIsListedAtOnceEachWithItsCode() throws Exception {
        cli.ok("ml", "workspace", "create", "-n", "busy", "-g", "rg1", "-o", "none");
        cli.ok("ml", "compute", "create", "-n", "box", "-w", "busy", "--type", "computeinstance", "--size",
                "Standard_DS3_v2", "-o", "none");
        cli.ok("ml", "compute", "stop", "-n", "box", "-w", "busy", "-o", "none");
        Path endpoint = temporary.resolve("endpoint.yml");
        Files.writeString(endpoint, "name: busy-endpoint\nauth_mode: key\n");
        cli.ok("ml", "online-endpoint", "create", "-f", endpoint.toString(), "-w", "busy", "-o", "none");
        cli.ok("ml", "environment", "create", "-n", "env", "-v", "1", "--image", "python:3.11", "-w", "busy", "-o", "none");
        Path job = temporary.resolve("job.yml");
        Files.writeString(job, "command: echo waiting\nenvironment: azureml:env:1\ncompute: azureml:box\n");
        cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "waiting-job", "-w", "busy", "-o", "none");

        Cli.Result result = validate(cli, "busy", destination, "west-rg");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ResourceMoveValidationFailed")
                .contains("(WorkspaceHasComputes)").contains("[box]")
                .contains("(WorkspaceHasOnlineEndpoints)").contains("busy-endpoint")
                .contains("(WorkspaceHasActiveJobs)").contains("waiting-job")
                .contains("(CrossRegionMoveNotSupported)").contains("westus2");
    }

    @Test
    void theTargetMustExistBeInTheTenantHaveTheProvidersAndAllowTheCaller() throws Exception {
        cli.ok("ml", "workspace", "create", "-n", "plain", "-g", "rg1", "-o", "none");
        assertThat(validate(cli, "plain", destination, "missing-rg").err()).contains("(TargetResourceGroupNotFound)")
                .contains("amlite group create -g missing-rg");

        String tenant = Json.parse(cli.ok("account", "tenant", "create", "--display-name", "elsewhere"))
                .path("tenantId").asText();
        String foreign = Json.parse(cli.ok("account", "create", "--display-name", "foreign", "--tenant-id", tenant))
                .path("subscriptionId").asText();
        cli.ok("group", "create", "-g", "foreign-rg", "-l", "japaneast", "--subscription", foreign, "-o", "none");
        assertThat(validate(cli, "plain", foreign, "foreign-rg").err()).contains("(CrossTenantMoveNotSupported)");

        String bare = Json.parse(cli.ok("account", "create", "--display-name", "bare")).path("subscriptionId").asText();
        cli.ok("group", "create", "-g", "bare-rg", "-l", "japaneast", "--subscription", bare, "-o", "none");
        cli.ok("provider", "unregister", "--namespace", "Microsoft.KeyVault", "--subscription", bare);
        assertThat(validate(cli, "plain", bare, "bare-rg").err()).contains("(MissingRegistrationForResourceProvider)")
                .contains("Microsoft.KeyVault");

        cli.ok("ad", "user", "create", "--display-name", "Rob", "--user-principal-name", "rob@contoso.com",
                "--password", "Rob-pa55word", "-o", "none");
        cli.ok("role", "assignment", "create", "--assignee", "rob@contoso.com", "--role", "Contributor", "--scope",
                "/subscriptions/" + origin + "/resourceGroups/rg1", "-o", "none");
        Cli rob = new Cli(temporary.resolve("rob"));
        rob.ok("login", "--server", server.url(), "--username", "rob@contoso.com", "--password", "Rob-pa55word",
                "--data-dir", server.dataDirectory().toString());
        Cli.Result denied = validate(rob, "plain", destination, "destination-rg");
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.err()).contains("(AuthorizationFailed)").contains("may not write in the target");

        // Rob polls what he may act on; an operation on a group he has no access to is not found for him.
        String admin = server.adminToken();
        String other = "/subscriptions/" + origin + "/resourceGroups/other-rg?api-version=2022-09-01";
        server.call("PUT", other, admin, "{\"location\":\"japaneast\"}");
        TestServer.Answer deleting = server.call("DELETE", other, admin, (String) null);
        String status = java.net.URI.create(deleting.headers().firstValue("Azure-AsyncOperation").orElseThrow())
                .getRawPath() + "?api-version=2022-09-01";
        assertThat(server.call("GET", status, admin, (String) null).status()).isEqualTo(200);
        String robToken = server.token("rob@contoso.com", "Rob-pa55word");
        assertThat(server.call("GET", status, robToken, (String) null).code()).isEqualTo("OperationNotFound");
    }
}
