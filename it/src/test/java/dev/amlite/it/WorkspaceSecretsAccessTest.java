package dev.amlite.it;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RBAC on the workspace's secrets: a Reader sees the workspace, its connections and vault secrets' metadata, but
 * not keys or secret values; a Contributor can read them. Secrets never appear in reads or lists.
 */
class WorkspaceSecretsAccessTest {
    private static final String API = "?api-version=2024-04-01";
    private static final String VAULT_API = "?api-version=2023-07-01";
    private static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    @TempDir
    static Path temporary;
    static TestServer server;
    static String admin;
    static String reader;
    static String workspace;
    static String vault;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        admin = server.adminToken();
        String subscription = "/subscriptions/" + server.subscriptionId();
        String group = subscription + "/resourceGroups/secrets";
        server.call("PUT", group + "?api-version=2022-09-01", admin, "{\"location\":\"japaneast\"}");
        workspace = group + "/providers/Microsoft.MachineLearningServices/workspaces/secret-ws";
        vault = server.call("PUT", workspace + API, admin, "{}").body().path("properties").path("keyVault").asText();
        assertThat(server.call("PUT", workspace + "/connections/c1" + API, admin, "{\"properties\":{\"category\":\"ApiKey\","
                + "\"target\":\"https://api.example\",\"authType\":\"ApiKey\",\"credentials\":{\"key\":\"top-secret\"}}}").status())
                .isEqualTo(200);
        assertThat(server.call("PUT", vault + "/secrets/plain" + VAULT_API, admin,
                "{\"properties\":{\"value\":\"also-secret\"}}").status()).isEqualTo(201);
        String objectId = server.call("POST", "/v1.0/users", admin, "{\"displayName\":\"reader\",\"userPrincipalName\":"
                + "\"reader\",\"passwordProfile\":{\"password\":\"Pa55word-reader\"}}").body().path("id").asText();
        assertThat(server.call("PUT", group + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID()
                + "?api-version=2022-04-01", admin, "{\"properties\":{\"roleDefinitionId\":\"" + subscription
                + "/providers/Microsoft.Authorization/roleDefinitions/" + READER + "\",\"principalId\":\"" + objectId
                + "\"}}").status()).isEqualTo(201);
        reader = server.token("reader", "Pa55word-reader");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aReaderSeesMetadataButNoSecrets() throws Exception {
        assertThat(server.call("GET", workspace + API, reader, (String) null).status()).isEqualTo(200);
        TestServer.Answer connections = server.call("GET", workspace + "/connections" + API, reader, (String) null);
        assertThat(connections.status()).isEqualTo(200);
        assertThat(connections.body().toString()).contains("c1").doesNotContain("top-secret");
        TestServer.Answer secrets = server.call("GET", vault + "/secrets" + VAULT_API, reader, (String) null);
        assertThat(secrets.status()).isEqualTo(200);
        assertThat(secrets.body().toString()).contains("plain").doesNotContain("also-secret").doesNotContain("top-secret");

        for (String[] call : new String[][] {{workspace + "/listKeys" + API}, {workspace + "/connections/c1/listsecrets" + API},
                {vault + "/secrets/plain/getSecret" + VAULT_API}}) {
            TestServer.Answer refused = server.call("POST", call[0], reader, (String) null);
            assertThat(refused.status()).as(call[0]).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("AuthorizationFailed");
        }
        assertThat(server.call("POST", vault + "/secrets/plain/getSecret" + VAULT_API, admin, (String) null).body()
                .path("value").asText()).isEqualTo("also-secret");
    }

    @Test
    void secretsNeverAppearInGenericListsOrTheWorkspaceDocument() throws Exception {
        String group = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/secrets";
        String everything = server.call("GET", group + "/resources?api-version=2022-09-01", admin, (String) null).body().toString()
                + server.call("GET", workspace + API, admin, (String) null).body()
                + server.call("GET", server.call("GET", workspace + API, admin, (String) null).body().path("properties")
                        .path("storageAccount").asText() + "?api-version=2023-01-01", admin, (String) null).body();
        String storageKey = server.call("POST", workspace + "/listKeys" + API, admin, (String) null).body()
                .path("userStorageKey").asText();
        assertThat(storageKey).hasSizeGreaterThan(40);
        assertThat(everything).doesNotContain(storageKey).doesNotContain("top-secret").doesNotContain("also-secret");
    }
}
