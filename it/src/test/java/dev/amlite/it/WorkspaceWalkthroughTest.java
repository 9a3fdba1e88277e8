package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 3's "what a user can do", command by command through the amlite CLI against a real server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceWalkthroughTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static String rg;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = new Cli(temporary.resolve("config"));
        cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                "--data-dir", server.dataDirectory().toString());
        cli.ok("group", "create", "-n", "rg1", "-l", "japaneast");
        rg = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String error(Cli.Result result, int exitCode) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        return result.err();
    }

    @Test
    @Order(1)
    void createMakesStorageKeyVaultAndInsightsInTheGroup() {
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "create", "-n", "mlw-basic", "-g", "rg1"));
        assertThat(ws.path("name").asText()).isEqualTo("mlw-basic");
        assertThat(ws.path("location").asText()).isEqualTo("japaneast");
        assertThat(ws.path("resource_group").asText()).isEqualTo("rg1");
        assertThat(ws.path("workspace_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(ws.path("identity").path("type").asText()).isEqualTo("SystemAssigned");
        assertThat(ws.path("identity").path("principal_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(ws.path("identity").path("tenant_id").asText()).isEqualTo(server.tenantId());
        assertThat(ws.path("creation_time").asText()).isNotBlank();
        assertThat(ws.path("container_registry").isNull()).isTrue();
        assertThat(ws.path("mlflow_tracking_uri").asText()).contains("/mlflow/v1.0/subscriptions/");
        assertThat(ws.path("discovery_url").asText()).startsWith("https://");
        for (String member : new String[] {"storage_account", "key_vault", "application_insights"}) {
            assertThat(ws.path(member).asText()).startsWith(rg + "/providers/");
            JsonNode resource = Json.parse(cli.ok("resource", "show", "--ids", ws.path(member).asText()));
            assertThat(resource.path("properties").path("provisioningState").asText()).isEqualTo("Succeeded");
        }
        String storageName = ws.path("storage_account").asText().replaceAll(".*/", "");
        JsonNode storage = Json.parse(cli.ok("storage", "account", "show", "-n", storageName, "-g", "rg1"));
        assertThat(storage.path("sku").path("name").asText()).isEqualTo("Standard_LRS");
        assertThat(storage.path("kind").asText()).isEqualTo("StorageV2");
        assertThat(storage.toString()).doesNotContain("\"value\"");
        String insightsName = ws.path("application_insights").asText().replaceAll(".*/", "");
        assertThat(cli.ok("monitor", "app-insights", "component", "show", "--app", insightsName, "-g", "rg1",
                "--query", "properties.InstrumentationKey", "-o", "tsv").strip()).matches("[0-9a-f-]{36}");

        assertThat(cli.ok("ml", "workspace", "show", "-n", "mlw-basic", "-g", "rg1", "--query", "workspace_id", "-o", "tsv")
                .strip()).isEqualTo(ws.path("workspace_id").asText());
        String table = cli.ok("ml", "workspace", "list", "-g", "rg1", "-o", "table");
        assertThat(table.lines().findFirst().orElseThrow()).contains("Name").contains("Location");
        assertThat(table).contains("mlw-basic").contains("japaneast");
        assertThat(Json.parse(cli.ok("ml", "workspace", "list")).toString()).contains("mlw-basic");
    }

    @Test
    @Order(2)
    void updateChangesWhatMayChangeAndRefusesHbi() {
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "update", "-n", "mlw-basic", "-g", "rg1",
                "--public-network-access", "Disabled", "--description", "prod", "--display-name", "Production"));
        assertThat(ws.path("public_network_access").asText()).isEqualTo("Disabled");
        assertThat(ws.path("description").asText()).isEqualTo("prod");
        assertThat(ws.path("display_name").asText()).isEqualTo("Production");
        String err = error(cli.run("ml", "workspace", "update", "-n", "mlw-basic", "-g", "rg1", "--hbi-workspace", "true"), 1);
        assertThat(err).contains("PropertyChangeNotAllowed").contains("hbi_workspace can only be set when a workspace is created");
        assertThat(cli.ok("ml", "workspace", "show", "-n", "mlw-basic", "-g", "rg1", "--query", "hbi_workspace", "-o", "tsv")
                .strip()).isEqualTo("False");
        cli.ok("ml", "workspace", "update", "-n", "mlw-basic", "-g", "rg1", "--public-network-access", "enabled");
    }

    @Test
    @Order(3)
    void regeneratedStorageKeyReachesTheWorkspaceWithSyncKeys() {
        String storage = cli.ok("ml", "workspace", "show", "-n", "mlw-basic", "-g", "rg1", "--query", "storage_account",
                "-o", "tsv").strip().replaceAll(".*/", "");
        String key1 = Json.parse(cli.ok("storage", "account", "keys", "list", "-g", "rg1", "-n", storage)).get(0)
                .path("value").asText();
        JsonNode keys = Json.parse(cli.ok("ml", "workspace", "list-keys", "-n", "mlw-basic", "-g", "rg1"));
        assertThat(keys.path("userStorageKey").asText()).isEqualTo(key1);
        assertThat(keys.path("appInsightsInstrumentationKey").asText()).matches("[0-9a-f-]{36}");

        String renewed = Json.parse(cli.ok("storage", "account", "keys", "renew", "-g", "rg1", "-n", storage, "--key",
                "primary")).get(0).path("value").asText();
        assertThat(renewed).isNotEqualTo(key1);
        assertThat(Json.parse(cli.ok("ml", "workspace", "list-keys", "-n", "mlw-basic", "-g", "rg1"))
                .path("userStorageKey").asText()).isEqualTo(key1);
        assertThat(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-basic", "-g", "rg1")).contains("KeysOutOfSync");
        cli.ok("ml", "workspace", "sync-keys", "-n", "mlw-basic", "-g", "rg1");
        assertThat(Json.parse(cli.ok("ml", "workspace", "list-keys", "-n", "mlw-basic", "-g", "rg1"))
                .path("userStorageKey").asText()).isEqualTo(renewed);
        assertThat(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-basic", "-g", "rg1")).doesNotContain("KeysOutOfSync");
        error(cli.run("storage", "account", "keys", "renew", "-g", "rg1", "-n", storage, "--key", "tertiary"), 2);
    }

    @Test
    @Order(4)
    void bringYourOwnResourcesFromSeedYaml() throws Exception {
        cli.ok("storage", "account", "create", "-n", "byostore1", "-g", "rg1");
        cli.ok("keyvault", "create", "-n", "byo-vault-1", "-g", "rg1");
        cli.ok("monitor", "app-insights", "component", "create", "--app", "byo-insights", "-g", "rg1");
        cli.ok("acr", "create", "-n", "byoregistry1", "-g", "rg1", "--admin-enabled", "true");
        Path yaml = temporary.resolve("workspace.yml");
        Files.writeString(yaml, """
                $schema: https://azuremlschemas.azureedge.net/latest/workspace.schema.json
                name: mlw-basicex-prod
                location: japaneast
                display_name: Bring your own dependent resources-example
                description: This configuration specifies a workspace configuration with existing dependent resources
                storage_account: %1$s/providers/Microsoft.Storage/storageAccounts/byostore1
                container_registry: %1$s/providers/Microsoft.ContainerRegistry/registries/byoregistry1
                key_vault: %1$s/providers/Microsoft.KeyVault/vaults/byo-vault-1
                application_insights: %1$s/providers/Microsoft.insights/components/byo-insights
                tags:
                  purpose: demonstration
                """.formatted(rg));
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "create", "-g", "rg1", "--file", yaml.toString()));
        assertThat(ws.path("name").asText()).isEqualTo("mlw-basicex-prod");
        assertThat(ws.path("storage_account").asText()).endsWith("/storageAccounts/byostore1");
        assertThat(ws.path("container_registry").asText()).endsWith("/registries/byoregistry1");
        assertThat(ws.path("key_vault").asText()).endsWith("/vaults/byo-vault-1");
        assertThat(ws.path("application_insights").asText()).endsWith("/components/byo-insights");
        assertThat(ws.path("tags").path("purpose").asText()).isEqualTo("demonstration");
        assertThat(ws.path("display_name").asText()).isEqualTo("Bring your own dependent resources-example");
        JsonNode keys = Json.parse(cli.ok("ml", "workspace", "list-keys", "-n", "mlw-basicex-prod", "-g", "rg1"));
        assertThat(keys.path("containerRegistryCredentials").path("username").asText()).isEqualTo("byoregistry1");
        assertThat(keys.path("containerRegistryCredentials").path("passwords").get(0).path("value").asText())
                .isEqualTo(Json.parse(cli.ok("acr", "credential", "show", "-n", "byoregistry1", "-g", "rg1"))
                        .path("passwords").get(0).path("value").asText());
    }

    @Test
    @Order(5)
    void badBringYourOwnResourcesAreRefusedAndNothingIsCreated() {
        cli.ok("storage", "account", "create", "-n", "premiumstore1", "-g", "rg1", "--sku", "Premium_LRS");
        cli.ok("storage", "account", "create", "-n", "hnsstore1", "-g", "rg1", "--hns");
        cli.ok("acr", "create", "-n", "noadminregistry", "-g", "rg1");
        String before = cli.ok("resource", "list", "-g", "rg1", "--query", "length(@)");

        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-premium", "-g", "rg1", "--storage-account",
                rg + "/providers/Microsoft.Storage/storageAccounts/premiumstore1"), 1))
                .contains("UnsupportedStorageAccount").contains("Premium_LRS");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-hns", "-g", "rg1", "--storage-account",
                rg + "/providers/Microsoft.Storage/storageAccounts/hnsstore1"), 1))
                .contains("UnsupportedStorageAccount").contains("hierarchical namespace");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-acr", "-g", "rg1", "--container-registry",
                rg + "/providers/Microsoft.ContainerRegistry/registries/noadminregistry"), 1))
                .contains("ContainerRegistryAdminUserDisabled").contains("--admin-enabled true");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-missing", "-g", "rg1", "--key-vault",
                rg + "/providers/Microsoft.KeyVault/vaults/no-such-vault"), 1))
                .contains("LinkedResourceNotFound").contains("no-such-vault").contains("does not exist");
        assertThat(cli.ok("resource", "list", "-g", "rg1", "--query", "length(@)")).isEqualTo(before);
        error(cli.run("ml", "workspace", "show", "-n", "ws-premium", "-g", "rg1"), 3);
    }

    @Test
    @Order(6)
    void namesFollowWs3() {
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ab", "-g", "rg1"), 1))
                .contains("InvalidResourceName").contains("3 to 33 characters");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "a".repeat(34), "-g", "rg1"), 1))
                .contains("3 to 33 characters");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ワークスペース", "-g", "rg1"), 1))
                .contains("InvalidResourceName").contains("kana or kanji").contains("ASCII letters");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "機械学習ws", "-g", "rg1"), 1))
                .contains("non-ASCII character '機'");
        cli.ok("ml", "workspace", "create", "-n", "a_b-3", "-g", "rg1");
    }

    @Test
    @Order(7)
    void providerRulesAtCreation() {
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-mars", "-g", "rg1", "-l", "marsnorth"), 1))
                .contains("NoRegisteredProviderFound").contains("No registered resource provider found for location 'marsnorth'");
        cli.ok("provider", "unregister", "--namespace", "Microsoft.MachineLearningServices", "--wait");
        try {
            assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-unregistered", "-g", "rg1"), 1))
                    .contains("MissingSubscriptionRegistration")
                    .contains("The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'");
        } finally {
            cli.ok("provider", "register", "--namespace", "Microsoft.MachineLearningServices", "--wait");
        }
    }

    @Test
    @Order(8)
    void softDeleteRecoverAndPurge() {
        String guid = cli.ok("ml", "workspace", "create", "-n", "mlw-soft", "-g", "rg1", "--query", "workspace_id",
                "-o", "tsv").strip();
        cli.ok("ml", "workspace", "delete", "-n", "mlw-soft", "-g", "rg1", "--yes");
        assertThat(error(cli.run("ml", "workspace", "show", "-n", "mlw-soft", "-g", "rg1"), 3))
                .contains("soft-deleted until").contains("--permanently-delete");
        assertThat(cli.ok("ml", "workspace", "list", "-g", "rg1")).doesNotContain("mlw-soft");
        assertThat(error(cli.run("ml", "workspace", "delete", "-n", "mlw-soft", "-g", "rg1", "--yes"), 3))
                .contains("was deleted on");
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "mlw-soft", "-g", "rg1", "-l", "westus2"), 1))
                .contains("SoftDeletedResourceExists").contains("location westus2").contains("--permanently-delete");

        assertThat(cli.ok("ml", "workspace", "create", "-n", "mlw-soft", "-g", "rg1", "--query", "workspace_id", "-o", "tsv")
                .strip()).isEqualTo(guid);
        cli.ok("ml", "workspace", "delete", "-n", "mlw-soft", "-g", "rg1", "--yes");
        cli.ok("ml", "workspace", "delete", "-n", "mlw-soft", "-g", "rg1", "--yes", "--permanently-delete");
        assertThat(error(cli.run("ml", "workspace", "show", "-n", "mlw-soft", "-g", "rg1"), 3)).doesNotContain("soft-deleted");
        assertThat(cli.ok("ml", "workspace", "create", "-n", "mlw-soft", "-g", "rg1", "-l", "westus2", "--query",
                "workspace_id", "-o", "tsv").strip()).isNotEqualTo(guid);
    }

    @Test
    @Order(9)
    void deleteWithAllResourcesRemovesTheDependents() {
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "create", "-n", "mlw-all", "-g", "rg1"));
        String account = ws.path("storage_account").asText();
        assertThat(error(cli.run("storage", "account", "delete", "-n", account.replaceAll(".*/", ""), "-g", "rg1",
                "--yes"), 1)).as("a workspace's files are not deleted under it").contains("Conflict")
                .contains("workspace 'mlw-all' (group rg1)")
                .contains("amlite ml workspace delete -n mlw-all -g rg1 --permanently-delete --all-resources");
        cli.ok("resource", "show", "--ids", account, "-o", "none");
        cli.ok("ml", "workspace", "delete", "-n", "mlw-all", "-g", "rg1", "--yes", "--all-resources", "--permanently-delete");
        for (String member : new String[] {"storage_account", "key_vault", "application_insights"}) {
            error(cli.run("resource", "show", "--ids", ws.path(member).asText()), 3);
        }
        assertThat(cli.ok("keyvault", "list-deleted")).contains(ws.path("key_vault").asText().replaceAll(".*/", ""));

        // As on Azure, dependent resources go only with a workspace deleted for good: a soft-deleted one needs them.
        JsonNode soft = Json.parse(cli.ok("ml", "workspace", "create", "-n", "mlw-all-soft", "-g", "rg1"));
        assertThat(error(cli.run("ml", "workspace", "delete", "-n", "mlw-all-soft", "-g", "rg1", "--yes",
                "--all-resources"), 2)).contains("--all-resources needs --permanently-delete");
        cli.ok("ml", "workspace", "show", "-n", "mlw-all-soft", "-g", "rg1", "-o", "none");
        cli.ok("ml", "workspace", "delete", "-n", "mlw-all-soft", "-g", "rg1", "--yes");
        String softAccount = soft.path("storage_account").asText();
        assertThat(error(cli.run("storage", "account", "delete", "-n", softAccount.replaceAll(".*/", ""), "-g", "rg1",
                "--yes"), 1)).contains("soft-deleted: recovering it needs them")
                .contains("amlite ml workspace delete -n mlw-all-soft -g rg1 --permanently-delete'");
        cli.ok("ml", "workspace", "delete", "-n", "mlw-all-soft", "-g", "rg1", "--yes", "--permanently-delete");
        cli.ok("storage", "account", "delete", "-n", softAccount.replaceAll(".*/", ""), "-g", "rg1", "--yes");
        error(cli.run("resource", "show", "--ids", softAccount), 3);
    }

    @Test
    @Order(10)
    void diagnoseFindsAMissingKeyVault() {
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "create", "-n", "mlw-diag", "-g", "rg1"));
        JsonNode healthy = Json.parse(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-diag", "-g", "rg1"));
        assertThat(healthy.path("keyVaultResults")).isEmpty();
        assertThat(healthy.path("storageAccountResults")).isEmpty();
        String vault = ws.path("key_vault").asText().replaceAll(".*/", "");
        cli.ok("keyvault", "delete", "-n", vault, "-g", "rg1");
        JsonNode sick = Json.parse(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-diag", "-g", "rg1"));
        assertThat(sick.path("keyVaultResults").get(0).path("code").asText()).isEqualTo("KeyVaultNotFound");
        assertThat(sick.path("keyVaultResults").get(0).path("level").asText()).isEqualTo("Error");
        cli.ok("keyvault", "recover", "-n", vault);
        assertThat(Json.parse(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-diag", "-g", "rg1"))
                .path("keyVaultResults")).isEmpty();
    }

    @Test
    @Order(11)
    void connectionsKeepTheirSecretsInTheKeyVault() {
        JsonNode created = Json.parse(cli.ok("ml", "connection", "create", "-w", "mlw-basic", "-g", "rg1", "-n", "my-git",
                "--category", "git", "--target", "https://github.com/example/repo", "--auth-type", "PAT",
                "--credentials", "{\"pat\":\"ghp_secret_token\"}"));
        assertThat(created.toString()).doesNotContain("ghp_secret_token");
        cli.ok("ml", "connection", "create", "-w", "mlw-basic", "-g", "rg1", "-n", "feed", "--category", "python_feed",
                "--target", "https://pypi.example/simple", "--auth-type", "None");
        String list = cli.ok("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1", "--category", "git");
        assertThat(list).contains("my-git").doesNotContain("feed").doesNotContain("ghp_secret_token");
        assertThat(cli.ok("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1", "--target",
                "https://pypi.example/simple")).contains("feed").doesNotContain("my-git");
        assertThat(cli.ok("ml", "connection", "show", "-w", "mlw-basic", "-g", "rg1", "-n", "my-git"))
                .doesNotContain("ghp_secret_token");
        assertThat(Json.parse(cli.ok("ml", "connection", "show", "-w", "mlw-basic", "-g", "rg1", "-n", "my-git",
                "--show-secrets")).path("properties").path("credentials").path("pat").asText()).isEqualTo("ghp_secret_token");
        String vault = cli.ok("ml", "workspace", "show", "-n", "mlw-basic", "-g", "rg1", "--query", "key_vault", "-o", "tsv")
                .strip().replaceAll(".*/", "");
        assertThat(cli.ok("keyvault", "secret", "list", "--vault-name", vault)).contains("connection-my-hgit")
                .doesNotContain("ghp_secret_token");
        assertThat(error(cli.run("ml", "connection", "create", "-w", "mlw-basic", "-g", "rg1", "-n", "bad",
                "--category", "git", "--target", "https://x", "--auth-type", "PAT"), 1)).contains("credentials.pat");
        cli.ok("ml", "connection", "delete", "-w", "mlw-basic", "-g", "rg1", "-n", "my-git");
        assertThat(cli.ok("keyvault", "secret", "list", "--vault-name", vault)).doesNotContain("connection-my-hgit");
    }

    @Test
    @Order(12)
    void privateEndpointsApprovalDnsAndTheNetworkGate() {
        cli.ok("provider", "register", "--namespace", "Microsoft.Network", "--wait");
        String wsId = rg + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-basic";
        // This machine's loopback stands for the virtual network: requests from 127.0.0.1 come through the endpoint.
        cli.ok("network", "vnet", "create", "-g", "rg1", "-n", "v", "--address-prefix", "127.0.0.0/8",
                "--subnet-name", "s", "--subnet-prefix", "127.0.0.0/8");
        cli.ok("network", "vnet", "create", "-g", "rg1", "-n", "far", "--subnet-name", "s");
        cli.ok("ml", "workspace", "update", "-n", "mlw-basic", "-g", "rg1", "--public-network-access", "Disabled");
        assertThat(error(cli.run("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1"), 1))
                .contains("PublicNetworkAccessDisabled").contains("127.0.0.1");
        assertThat(Json.parse(cli.ok("ml", "workspace", "diagnose", "-n", "mlw-basic", "-g", "rg1")).toString())
                .contains("WorkspaceUnreachable");

        JsonNode pe = Json.parse(cli.ok("network", "private-endpoint", "create", "--name", "pe1", "-g", "rg1",
                "--vnet-name", "v", "--subnet", "s", "--private-connection-resource-id", wsId, "--group-id", "amlworkspace",
                "--connection-name", "workspace", "-l", "japaneast"));
        assertThat(pe.path("properties").path("privateLinkServiceConnections").get(0).path("properties")
                .path("privateLinkServiceConnectionState").path("status").asText()).isEqualTo("Approved");
        assertThat(pe.path("properties").path("customDnsConfigs").toString()).contains(".api.azureml.ms")
                .contains(".notebooks.azure.net");
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw-basic", "-g", "rg1"));
        assertThat(ws.path("private_endpoint_connections").get(0).path("status").asText()).isEqualTo("Approved");
        cli.ok("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1");

        cli.ok("network", "private-dns", "zone", "create", "-g", "rg1", "--name", "privatelink.api.azureml.ms");
        cli.ok("network", "private-dns", "link", "vnet", "create", "-g", "rg1", "--zone-name", "privatelink.api.azureml.ms",
                "--name", "link1", "--virtual-network", "v", "--registration-enabled", "false");
        cli.ok("network", "private-endpoint", "dns-zone-group", "create", "-g", "rg1", "--endpoint-name", "pe1",
                "--name", "zg", "--private-dns-zone", "privatelink.api.azureml.ms", "--zone-name", "privatelink.api.azureml.ms");
        cli.ok("network", "private-dns", "zone", "create", "-g", "rg1", "--name", "privatelink.notebooks.azure.net");
        cli.ok("network", "private-endpoint", "dns-zone-group", "add", "-g", "rg1", "--endpoint-name", "pe1",
                "--name", "zg", "--private-dns-zone", "privatelink.notebooks.azure.net", "--zone-name",
                "privatelink.notebooks.azure.net");
        String address = pe.path("properties").path("ipAddress").asText();
        JsonNode api = Json.parse(cli.ok("network", "private-dns", "record-set", "a", "list", "-g", "rg1", "-z",
                "privatelink.api.azureml.ms"));
        assertThat(api).hasSize(2);
        assertThat(api.toString()).contains(ws.path("workspace_id").asText() + ".workspace.japaneast").contains(address);
        assertThat(cli.ok("network", "private-dns", "record-set", "a", "list", "-g", "rg1", "-z",
                "privatelink.notebooks.azure.net")).contains("ml-mlw-basic-japaneast-");

        JsonNode manual = Json.parse(cli.ok("network", "private-endpoint", "create", "--name", "pe2", "-g", "rg1",
                "--vnet-name", "far", "--subnet", "s", "--private-connection-resource-id", wsId, "--group-id",
                "amlworkspace", "--connection-name", "ask", "--manual-request", "--request-message", "please"));
        assertThat(manual.path("properties").path("manualPrivateLinkServiceConnections").get(0).path("properties")
                .path("privateLinkServiceConnectionState").path("status").asText()).isEqualTo("Pending");
        JsonNode connections = Json.parse(cli.ok("network", "private-endpoint-connection", "list", "--id", wsId));
        String pendingId = null;
        for (JsonNode connection : connections) {
            if (connection.path("properties").path("privateEndpoint").path("id").asText().endsWith("/pe2")) {
                pendingId = connection.path("id").asText();
            }
        }
        assertThat(pendingId).isNotNull();
        cli.ok("network", "private-endpoint-connection", "reject", "--id", pendingId, "--description", "not this one");
        assertThat(cli.ok("network", "private-endpoint", "show", "-g", "rg1", "-n", "pe2")).contains("Rejected");
        assertThat(error(cli.run("network", "private-endpoint-connection", "approve", "--id", pendingId), 1))
                .contains("is Rejected and cannot become Approved");
        assertThat(error(cli.run("network", "private-endpoint", "create", "--name", "pe3", "-g", "rg1", "--vnet-name",
                "v", "--subnet", "s", "--private-connection-resource-id", wsId, "--group-id", "blob",
                "--connection-name", "c"), 1)).contains("amlworkspace");
        assertThat(error(cli.run("network", "private-endpoint", "create", "--name", "pe4", "-g", "rg1", "--vnet-name",
                "nope", "--subnet", "s", "--private-connection-resource-id", wsId, "--group-id", "amlworkspace",
                "--connection-name", "c"), 1)).contains("InvalidResourceReference");

        cli.ok("network", "private-endpoint", "delete", "-g", "rg1", "-n", "pe1");
        assertThat(error(cli.run("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1"), 1))
                .contains("PublicNetworkAccessDisabled");
        cli.ok("ml", "workspace", "update", "-n", "mlw-basic", "-g", "rg1", "--public-network-access", "Enabled");
        cli.ok("ml", "connection", "list", "-w", "mlw-basic", "-g", "rg1");
    }

    @Test
    @Order(13)
    void customerManagedKeyEncryptsSecretsAndSurvivesRotation() throws Exception {
        cli.ok("provider", "register", "--namespace", "Microsoft.DocumentDB", "--wait");
        cli.ok("provider", "register", "--namespace", "Microsoft.Search", "--wait");
        cli.ok("keyvault", "create", "-n", "cmk-vault-1", "-g", "rg1", "--enable-purge-protection");
        JsonNode key = Json.parse(cli.ok("keyvault", "key", "create", "--vault-name", "cmk-vault-1", "-n", "wskey"));
        String keyUri = key.path("properties").path("keyUriWithVersion").asText();
        Path yaml = temporary.resolve("cmk.yml");
        Files.writeString(yaml, """
                $schema: https://azuremlschemas.azureedge.net/latest/workspace.schema.json
                name: mlw-cmkexample-prod
                location: japaneast
                display_name: Customer managed key encryption-example
                description: This configurations shows how to create a workspace that uses customer-managed keys for encryption.
                customer_managed_key:
                  key_vault: %s/providers/Microsoft.KeyVault/vaults/cmk-vault-1
                  key_uri: %s
                tags:
                  purpose: demonstration
                """.formatted(rg, keyUri));
        JsonNode ws = Json.parse(cli.ok("ml", "workspace", "create", "-g", "rg1", "--file", yaml.toString()));
        assertThat(ws.path("customer_managed_key").path("key_uri").asText()).isEqualTo(keyUri);
        String managed = ws.path("service_provisioned_resource_group").asText();
        assertThat(managed).contains("azureml-rg-mlw-cmkexample-prod_");
        assertThat(cli.ok("resource", "list", "-g", managed.replaceAll(".*/", ""), "--query", "[].type"))
                .contains("Microsoft.DocumentDB/databaseAccounts").contains("Microsoft.Search/searchServices")
                .contains("Microsoft.Storage/storageAccounts");

        cli.ok("ml", "connection", "create", "-w", "mlw-cmkexample-prod", "-g", "rg1", "-n", "api", "--category",
                "api_key", "--target", "https://api.example", "--auth-type", "ApiKey", "--credentials", "{\"key\":\"k-123\"}");
        String vault = ws.path("key_vault").asText().replaceAll(".*/", "");
        String stored = Json.parse(cli.ok("keyvault", "secret", "show", "--vault-name", vault, "-n", "connection-api"))
                .path("value").asText();
        assertThat(stored).startsWith("cmk1:").doesNotContain("k-123");

        String rotated = Json.parse(cli.ok("keyvault", "key", "rotate", "--vault-name", "cmk-vault-1", "-n", "wskey"))
                .path("properties").path("keyUriWithVersion").asText();
        assertThat(rotated).isNotEqualTo(keyUri);
        assertThat(cli.ok("ml", "workspace", "update", "-n", "mlw-cmkexample-prod", "-g", "rg1", "--key-uri", rotated,
                "--query", "customer_managed_key.key_uri", "-o", "tsv").strip()).isEqualTo(rotated);
        assertThat(Json.parse(cli.ok("ml", "connection", "show", "-w", "mlw-cmkexample-prod", "-g", "rg1", "-n", "api",
                "--show-secrets")).path("properties").path("credentials").path("key").asText()).isEqualTo("k-123");

        cli.ok("keyvault", "create", "-n", "weak-vault-1", "-g", "rg1");
        cli.ok("keyvault", "key", "create", "--vault-name", "weak-vault-1", "-n", "k");
        Files.writeString(yaml, Files.readString(yaml).replace("mlw-cmkexample-prod", "mlw-cmk-weak")
                .replace("cmk-vault-1", "weak-vault-1").replace(keyUri, "https://weak-vault-1.vault.azure.net/keys/k"));
        assertThat(error(cli.run("ml", "workspace", "create", "-g", "rg1", "--file", yaml.toString()), 1))
                .contains("InvalidCustomerManagedKey").contains("purge protection");
    }

    @Test
    @Order(14)
    void unknownYamlFieldsAreNamed() throws Exception {
        Path yaml = temporary.resolve("typo.yml");
        Files.writeString(yaml, "name: mlw-typo\nstorage_acount: x\n");
        assertThat(error(cli.run("ml", "workspace", "create", "-g", "rg1", "--file", yaml.toString()), 1))
                .contains("unknown field 'storage_acount'").contains("storage_account");
    }

    @Test
    @Order(15)
    void aResourceInASubscriptionWithoutMachineLearningRegisteredIsRefused() {
        String other = Json.parse(cli.ok("account", "create", "--display-name", "storage-sub")).path("subscriptionId").asText();
        cli.ok("group", "create", "-n", "rg-other", "-l", "japaneast", "--subscription", other);
        cli.ok("storage", "account", "create", "-n", "otherstore1", "-g", "rg-other", "--subscription", other);
        cli.ok("provider", "unregister", "--namespace", "Microsoft.MachineLearningServices", "--subscription", other, "--wait");
        String storage = "/subscriptions/" + other + "/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/otherstore1";
        assertThat(error(cli.run("ml", "workspace", "create", "-n", "ws-cross", "-g", "rg1", "--storage-account", storage), 1))
                .contains("MissingSubscriptionRegistration")
                .contains("The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'")
                .contains(other);
        cli.ok("provider", "register", "--namespace", "Microsoft.MachineLearningServices", "--subscription", other, "--wait");
        assertThat(Json.parse(cli.ok("ml", "workspace", "create", "-n", "ws-cross", "-g", "rg1", "--storage-account", storage))
                .path("storage_account").asText()).isEqualTo(storage);
    }

    @Test
    @Order(16)
    void deletingTheGroupRemovesTheServiceManagedGroupOfACmkWorkspace() throws Exception {
        cli.ok("group", "create", "-n", "rg-cmk", "-l", "japaneast");
        String keyUri = Json.parse(cli.ok("keyvault", "key", "show", "--vault-name", "cmk-vault-1", "-n", "wskey"))
                .path("properties").path("keyUriWithVersion").asText();
        Path yaml = temporary.resolve("cmk-group.yml");
        Files.writeString(yaml, "name: mlw-cmk-group\ncustomer_managed_key:\n  key_vault: " + rg
                + "/providers/Microsoft.KeyVault/vaults/cmk-vault-1\n  key_uri: " + keyUri + "\n");
        String managed = cli.ok("ml", "workspace", "create", "-g", "rg-cmk", "--file", yaml.toString(), "--query",
                "service_provisioned_resource_group", "-o", "tsv").strip().replaceAll(".*/", "");
        assertThat(cli.ok("group", "exists", "-n", managed).strip()).isEqualTo("true");
        cli.ok("group", "delete", "-n", "rg-cmk", "--yes");
        assertThat(cli.ok("group", "exists", "-n", managed).strip()).isEqualTo("false");
        assertThat(cli.ok("group", "exists", "-n", "rg-cmk").strip()).isEqualTo("false");
    }
}
