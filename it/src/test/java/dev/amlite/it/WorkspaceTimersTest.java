package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WS-5 and WS-6 on a clock a test can wait for: with --key-sync-interval 1s a regenerated storage key reaches the
 * workspace without sync-keys, and with --soft-delete-retention 2s a soft-deleted workspace is purged by itself.
 */
class WorkspaceTimersTest {
    private static final String API = "?api-version=2024-04-01";
    @TempDir
    static Path temporary;
    static TestServer server;
    static String token;
    static String group;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"), "--key-sync-interval", "1s", "--soft-delete-retention", "2s");
        token = server.adminToken();
        group = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/timers";
        assertThat(server.call("PUT", group + "?api-version=2022-09-01", token, "{\"location\":\"japaneast\"}").status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String workspace(String name) {
        return group + "/providers/Microsoft.MachineLearningServices/workspaces/" + name;
    }

    private static void waitFor(BooleanSupplier condition, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(100);
        }
    }

    private static TestServer.Answer call(String method, String path, String body) {
        try {
            return server.call(method, path, token, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRegeneratedStorageKeyIsPickedUpOnTheInterval() throws Exception {
        JsonNode ws = call("PUT", workspace("keys-ws") + API, "{}").body();
        String storage = ws.path("properties").path("storageAccount").asText();
        String renewed = call("POST", storage + "/regenerateKey?api-version=2023-01-01", "{\"keyName\":\"key1\"}")
                .body().path("keys").get(0).path("value").asText();
        waitFor(() -> renewed.equals(call("POST", workspace("keys-ws") + "/listKeys" + API, null).body()
                .path("userStorageKey").asText()), Duration.ofSeconds(10));
    }

    @Test
    void aSoftDeletedWorkspaceIsPurgedWhenItsRetentionEnds() throws Exception {
        TestServer.Answer created = call("PUT", workspace("short-lived") + API, "{}");
        assertThat(created.status()).isEqualTo(201);
        String guid = created.body().path("properties").path("workspaceId").asText();
        assertThat(call("DELETE", workspace("short-lived") + API, null).status()).isEqualTo(200);
        assertThat(call("GET", workspace("short-lived") + API, null).message()).contains("soft-deleted until");
        waitFor(() -> !call("GET", workspace("short-lived") + API, null).message().contains("soft-deleted"),
                Duration.ofSeconds(15));
        TestServer.Answer again = call("PUT", workspace("short-lived") + API, "{\"location\":\"westus2\"}");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body().path("properties").path("workspaceId").asText()).isNotEqualTo(guid);
    }
}
