package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 000 after the move: a workspace behind a private endpoint moves with its storage account; the endpoint's
 * connection is disconnected and asked for again, pending (MV-6); the default datastores follow the account, a
 * non-default one keeps the old subscription until its owner updates it, or unregisters and registers it again
 * (MV-7); the data asset that stayed is registered again with the command the move wrote down (MV-4); and an
 * endpoint is deployed again in the new place.
 */
class MoveAftermathTest {
    @TempDir
    Path temporary;

    @Test
    void theMovedWorkspaceAsksItsPrivateEndpointAgainAndItsOwnerFixesWhatTheMoveListed() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            String origin = server.subscriptionId();
            String destination = Json.parse(cli.ok("account", "create", "--display-name", "destination"))
                    .path("subscriptionId").asText();
            String wsId = "/subscriptions/" + origin + "/resourceGroups/rg1/providers/"
                    + "Microsoft.MachineLearningServices/workspaces/mlw";
            String movedId = "/subscriptions/" + destination + "/resourceGroups/destination-rg/providers/"
                    + "Microsoft.MachineLearningServices/workspaces/mlw";

            // Reached through a private endpoint only: this machine's loopback stands for the virtual network.
            cli.ok("provider", "register", "--namespace", "Microsoft.Network", "--wait");
            cli.ok("network", "vnet", "create", "-g", "rg1", "-n", "v", "--address-prefix", "127.0.0.0/8",
                    "--subnet-name", "s", "--subnet-prefix", "127.0.0.0/8", "-o", "none");
            cli.ok("network", "private-endpoint", "create", "--name", "pe1", "-g", "rg1", "--vnet-name", "v",
                    "--subnet", "s", "--private-connection-resource-id", wsId, "--group-id", "amlworkspace",
                    "--connection-name", "workspace", "-l", "japaneast", "-o", "none");
            cli.ok("ml", "workspace", "update", "-n", "mlw", "--public-network-access", "Disabled", "-o", "none");
            cli.ok("ml", "datastore", "list", "-o", "none");

            String storageId = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("storage_account").asText();
            String account = storageId.substring(storageId.lastIndexOf('/') + 1);
            String key = cli.ok("storage", "account", "keys", "list", "-n", account, "--query", "[0].value", "-o", "tsv").trim();
            Path side = temporary.resolve("side.yml");
            Files.writeString(side, "name: side\ntype: azure_blob\naccount_name: " + account + "\ncontainer_name: side\n"
                    + "subscription_id: " + origin + "\nresource_group: rg1\ncredentials:\n  account_key: " + key + "\n");
            cli.ok("ml", "datastore", "create", "-f", side.toString(), "-o", "none");
            Path iris = temporary.resolve("iris.csv");
            Files.writeString(iris, "a,b\n1,2\n");
            cli.ok("ml", "data", "create", "-n", "iris", "-v", "1", "--type", "uri_file", "--path", iris.toString(), "-o", "none");

            cli.ok("group", "create", "-g", "destination-rg", "-l", "japaneast", "--subscription", destination, "-o", "none");
            JsonNode validated = Json.parse(cli.ok("resource", "invoke-action", "--action", "validateMoveResources",
                    "--ids", "/subscriptions/" + origin + "/resourceGroups/rg1", "--request-body", "{\"resources\": [\""
                            + wsId + "\", \"" + storageId + "\"], \"targetResourceGroup\": \"/subscriptions/" + destination
                            + "/resourceGroups/destination-rg\"}"));
            assertThat(validated.path("properties").path("leftBehind").toString()).contains("private endpoint connection")
                    .contains("data asset 'iris'");
            JsonNode printed = Json.parse(cli.ok("resource", "move", "--destination-group", "destination-rg",
                    "--destination-subscription-id", destination, "--ids", wsId, storageId));
            cli.ok("account", "set", "-s", destination);
            cli.ok("configure", "--defaults", "group=destination-rg", "workspace=mlw");

            // The workspace names its storage account where it went (both moved in one transaction).
            String movedStorage = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("storage_account").asText();
            assertThat(movedStorage).isEqualTo("/subscriptions/" + destination + "/resourceGroups/destination-rg/"
                    + "providers/Microsoft.Storage/storageAccounts/" + account);

            // MV-6: the old connection is gone, a new one waits; until it is approved the endpoint does not reach.
            JsonNode connections = Json.parse(cli.ok("network", "private-endpoint-connection", "list", "--id", movedId));
            assertThat(connections).hasSize(1);
            JsonNode pending = connections.get(0);
            assertThat(pending.path("properties").path("privateLinkServiceConnectionState").path("status").asText())
                    .isEqualTo("Pending");
            assertThat(pending.path("properties").path("privateLinkServiceConnectionState").path("description").asText())
                    .contains("moved from '" + wsId + "'");
            JsonNode endpoint = Json.parse(cli.ok("network", "private-endpoint", "show", "-g", "rg1", "-n", "pe1",
                    "--subscription", origin)).path("properties").path("privateLinkServiceConnections").get(0).path("properties");
            assertThat(endpoint.path("privateLinkServiceId").asText()).isEqualTo(movedId);
            assertThat(endpoint.path("privateLinkServiceConnectionState").path("status").asText()).isEqualTo("Pending");
            Cli.Result refused = cli.run("ml", "datastore", "list");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("PublicNetworkAccessDisabled");
            cli.ok("network", "private-endpoint-connection", "approve", "--id", pending.path("id").asText(), "-o", "none");
            assertThat(cli.ok("network", "private-endpoint", "show", "-g", "rg1", "-n", "pe1", "--subscription", origin))
                    .contains("Approved");
            cli.ok("ml", "datastore", "list", "-o", "none");

            JsonNode history = Json.parse(cli.ok("resource", "show", "--ids", movedId)).path("properties")
                    .path("amliteMoveHistory").get(0);
            assertThat(printed).as("the move prints what it left to do").hasSize(1);
            assertThat(printed.get(0)).isEqualTo(history);
            assertThat(history.path("disconnectedPrivateEndpointConnections").get(0).path("privateEndpoint").asText())
                    .endsWith("/privateEndpoints/pe1");
            assertThat(history.path("disconnectedPrivateEndpointConnections").get(0).path("status").asText())
                    .isEqualTo("Approved");

            // MV-7: the default datastores follow the account; the other keeps the old place until updated.
            JsonNode blobstore = Json.parse(cli.ok("ml", "datastore", "show", "-n", "workspaceblobstore"));
            assertThat(blobstore.path("subscription_id").asText()).isEqualTo(destination);
            assertThat(blobstore.path("resource_group").asText()).isEqualTo("destination-rg");
            JsonNode stale = Json.parse(cli.ok("ml", "datastore", "show", "-n", "side"));
            assertThat(stale.path("subscription_id").asText()).isEqualTo(origin);
            assertThat(stale.path("resource_group").asText()).isEqualTo("rg1");
            JsonNode toUpdate = history.path("datastoresToUpdate");
            assertThat(toUpdate).hasSize(1);
            assertThat(toUpdate.get(0).path("name").asText()).isEqualTo("side");
            cli.ok(command(toUpdate.get(0).path("update").asText()));
            JsonNode updated = Json.parse(cli.ok("ml", "datastore", "show", "-n", "side"));
            assertThat(updated.path("subscription_id").asText()).isEqualTo(destination);
            assertThat(updated.path("resource_group").asText()).isEqualTo("destination-rg");
            // The seed's other way: unregister and register again.
            cli.ok("ml", "datastore", "delete", "-n", "side");
            Files.writeString(side, Files.readString(side).replace(origin, destination).replace("rg1", "destination-rg"));
            cli.ok("ml", "datastore", "create", "-f", side.toString(), "-o", "none");
            assertThat(Json.parse(cli.ok("ml", "datastore", "show", "-n", "side")).path("subscription_id").asText())
                    .isEqualTo(destination);

            // MV-4: the data asset stayed; the move wrote down how to register it again from the same file.
            assertThat(cli.run("ml", "data", "show", "-n", "iris", "-v", "1").exitCode()).isEqualTo(3);
            JsonNode data = history.path("leftBehindDataAssets").get(0);
            assertThat(data.path("keptAt").asText()).startsWith(wsId + "/data/iris/versions/1");
            // Registration checks the files are at the path (UploadIncomplete otherwise): the file moved with its account.
            cli.ok(command(data.path("register").asText()));
            assertThat(Json.parse(cli.ok("ml", "data", "show", "-n", "iris", "-v", "1")).path("path").asText())
                    .isEqualTo(data.path("path").asText()).startsWith("azureml://datastores/workspaceblobstore/paths/");

            // Seed 000: "redeploy the endpoints in the new place".
            Path yaml = BehavingDeployment.yaml(temporary, "again", "blue", "");
            Path request = temporary.resolve("r.json");
            Files.writeString(request, "{\"data\": [2]}");
            cli.ok("ml", "online-endpoint", "create", "-n", "again", "-o", "none");
            cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic", "-o", "none");
            assertThat(Json.parse(cli.ok("ml", "online-endpoint", "invoke", "-n", "again", "--request-file",
                    request.toString())).path("score").asDouble()).isEqualTo(2.5);
        }
    }

    /** A command the server wrote down ("amlite ml ..."), as the CLI's arguments. */
    private static String[] command(String line) {
        assertThat(line).startsWith("amlite ");
        return Arrays.copyOfRange(line.split(" "), 1, line.split(" ").length);
    }
}
