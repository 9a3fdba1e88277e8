package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.sdk.AccessToken;
import dev.amlite.sdk.AmliteClient;
import dev.amlite.sdk.AmliteClientBuilder;
import dev.amlite.sdk.AmliteException;
import dev.amlite.sdk.ml.Workspace;
import dev.amlite.sdk.ml.WorkspaceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java SDK's Workspace class (seed 003, SDK-1) against a real server. */
class WorkspaceSdkTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static AmliteClientBuilder builder;
    static AmliteClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        String token = server.adminToken();
        builder = new AmliteClientBuilder().endpoint(server.url()).caFile(server.dataDirectory().resolve("tls").resolve("server.crt"))
                .credential(() -> new AccessToken(token, Instant.now().plusSeconds(3000)));
        client = builder.subscriptionId(server.subscriptionId()).buildClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createGetListConfigAndDetails() {
        Workspace ws = Workspace.create(client, WorkspaceOptions.named("myworkspace").resourceGroup("myresourcegroup")
                .createResourceGroup(true).location("eastus2").friendlyName("My workspace").tag("team", "ml"));
        assertThat(ws.location()).isEqualTo("eastus2");
        assertThat(ws.resourceGroup()).isEqualTo("myresourcegroup");
        assertThat(ws.subscriptionId()).isEqualTo(server.subscriptionId());
        assertThat(ws.tags()).containsEntry("team", "ml");
        assertThat(ws.getMlflowTrackingUri()).contains("/workspaces/myworkspace");
        Map<String, Object> details = ws.getDetails();
        assertThat(details).containsKeys("id", "workspaceid", "friendlyName", "creationTime", "keyVault",
                "applicationInsights", "identityPrincipalId", "identityTenantId", "identityType", "storageAccount",
                "hbiWorkspace", "systemDatastoresAuthMode");
        assertThat(details.get("friendlyName")).isEqualTo("My workspace");
        assertThat(details.get("identityType")).isEqualTo("SystemAssigned");

        assertThatThrownBy(() -> Workspace.create(client, WorkspaceOptions.named("myworkspace").resourceGroup("myresourcegroup")))
                .hasMessageContaining("already exists");
        assertThat(Workspace.create(client, WorkspaceOptions.named("myworkspace").resourceGroup("myresourcegroup")
                .existOk(true)).getDetails().get("workspaceid")).isEqualTo(details.get("workspaceid"));
        assertThat(Workspace.get(client, "myworkspace", null).id()).isEqualTo(ws.id());
        assertThat(Workspace.list(client, "myresourcegroup")).containsOnlyKeys("myworkspace");

        Path project = temporary.resolve("project");
        Path written = ws.writeConfig(project.resolve(".azureml"), null);
        assertThat(written).hasFileName("config.json");
        Path nested = project.resolve("src").resolve("deep");
        Workspace loaded = Workspace.fromConfig(nested, builder);
        assertThat(loaded.id()).isEqualTo(ws.id());
        assertThatThrownBy(() -> Workspace.fromConfig(temporary.resolve("elsewhere"), builder))
                .hasMessageContaining("No workspace config found");
    }

    @Test
    void updateKeysConnectionsKeyVaultAndDelete() throws Exception {
        Workspace ws = Workspace.create(client, WorkspaceOptions.named("sdk-ws").resourceGroup("sdkrg").location("japaneast"));
        Workspace updated = ws.update(WorkspaceOptions.named("sdk-ws").description("prod").imageBuildCompute("cpu-cluster"));
        assertThat(updated.getDetails()).containsEntry("description", "prod").containsEntry("imageBuildCompute", "cpu-cluster");
        assertThatThrownBy(() -> ws.update(WorkspaceOptions.named("sdk-ws").hbiWorkspace(true)))
                .isInstanceOf(AmliteException.class).hasMessageContaining("hbi_workspace");

        assertThat(ws.listKeys().path("userStorageKey").asText()).isNotBlank();
        ws.syncKeys();
        JsonNode diagnosis = ws.diagnoseWorkspace();
        assertThat(diagnosis.path("storageAccountResults")).isEmpty();

        ws.setConnection("feed", "PythonFeed", "https://pypi.example/simple", "PAT", "{\"pat\":\"s3cret\"}");
        assertThat(ws.getConnection("feed").toString()).doesNotContain("s3cret");
        assertThat(ws.getConnectionWithSecrets("feed").path("properties").path("value").asText()).contains("s3cret");
        assertThat(ws.listConnections("PythonFeed", null)).hasSize(1);
        assertThat(ws.listConnections("Git", null)).isEmpty();
        ws.deleteConnection("feed");
        assertThat(ws.listConnections(null, null)).isEmpty();

        Workspace.Keyvault vault = ws.getDefaultKeyvault();
        vault.setSecret("db-password", "hunter2");
        assertThat(vault.getSecret("db-password")).isEqualTo("hunter2");
        assertThat(vault.listSecrets()).contains("db-password");
        vault.deleteSecret("db-password");
        assertThat(vault.listSecrets()).doesNotContain("db-password");
        assertThat(ws.privateEndpoints()).isEmpty();
        client.arm().send("POST", "/subscriptions/" + server.subscriptionId()
                + "/providers/Microsoft.Network/register", "2022-09-01", Map.of(), null);
        com.fasterxml.jackson.databind.node.ObjectNode vnet = dev.amlite.core.Json.object();
        vnet.putObject("properties").putArray("subnets").addObject().put("name", "s").putObject("properties")
                .put("addressPrefix", "10.1.0.0/24");
        client.arm().send("PUT", "/subscriptions/" + server.subscriptionId() + "/resourceGroups/sdkrg/providers/"
                + "Microsoft.Network/virtualNetworks/v", "2023-05-01", Map.of(), vnet);
        JsonNode endpoint = ws.addPrivateEndpoint("sdk-pe", "sdkrg", "v", "s", false, null);
        assertThat(endpoint.path("properties").path("ipAddress").asText()).isEqualTo("10.1.0.4");
        Map<String, JsonNode> connections = ws.privateEndpoints();
        assertThat(connections).hasSize(1);
        String pending = connections.keySet().iterator().next();
        assertThat(connections.get(pending).path("properties").path("privateLinkServiceConnectionState").path("status")
                .asText()).isEqualTo("Pending");
        ws.deletePrivateEndpointConnection(pending);
        assertThat(ws.privateEndpoints()).isEmpty();
        assertThat(Workspace.setup(client, WorkspaceOptions.named("sdk-ws").resourceGroup("sdkrg")).id()).isEqualTo(ws.id());

        assertThatThrownBy(() -> ws.delete(true, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a permanent delete");
        assertThat(Workspace.get(client, "sdk-ws", "sdkrg").id()).as("nothing was deleted").isEqualTo(ws.id());
        ws.delete(true, true);
        assertThatThrownBy(() -> Workspace.get(client, "sdk-ws", "sdkrg")).isInstanceOf(AmliteException.class);
        String storage = ws.getDetails().get("storageAccount").toString();
        assertThatThrownBy(() -> client.arm().get(storage, "2023-01-01")).isInstanceOf(AmliteException.class);
        assertThat(List.of(Workspace.DEFAULT_CPU_CLUSTER_NAME, Workspace.DEFAULT_GPU_CLUSTER_NAME))
                .containsExactly("cpu-cluster", "gpu-cluster");
        assertThat(Files.exists(temporary)).isTrue();
    }
}
