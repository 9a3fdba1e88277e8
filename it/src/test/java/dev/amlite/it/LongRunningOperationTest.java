package dev.amlite.it;

import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.OperationStore;
import dev.amlite.store.StoreVendor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** ARM's asynchronous pattern for group deletion, and operations left running by a crash. */
class LongRunningOperationTest {
    @TempDir
    Path temporary;

    @Test
    void deleteAnswers202ThenThePollersReportTheEnd() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            String token = server.adminToken();
            String group = "/subscriptions/" + server.subscriptionId() + "/resourcegroups/gone";
            server.call("PUT", group + "?api-version=2022-09-01", token, "{\"location\":\"japaneast\"}");
            server.call("PUT", group + "/providers/Microsoft.Storage/storageAccounts/st1?api-version=2023-01-01", token,
                    "{\"location\":\"japaneast\"}");
            TestServer.Answer accepted = server.call("DELETE", group + "?api-version=2022-09-01", token, (String) null);
            assertThat(accepted.status()).isEqualTo(202);
            String location = accepted.headers().firstValue("Location").orElseThrow();
            String status = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();
            assertThat(accepted.headers().firstValue("Retry-After")).isPresent();
            String statusPath = URI.create(status).getRawPath() + "?" + URI.create(status).getRawQuery();
            String resultPath = URI.create(location).getRawPath() + "?" + URI.create(location).getRawQuery();
            TestServer.Answer polled = null;
            for (int i = 0; i < 50; i++) {
                polled = server.call("GET", statusPath, token, (String) null);
                if (!polled.body().path("status").asText().equals("InProgress")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(polled.body().path("status").asText()).isEqualTo("Succeeded");
            assertThat(polled.body().path("endTime").asText()).isNotEmpty();
            assertThat(server.call("GET", resultPath, token, (String) null).status()).isEqualTo(204);
            assertThat(server.call("GET", group + "?api-version=2022-09-01", token, (String) null).status()).isEqualTo(404);
            assertThat(server.call("GET", group + "/providers/Microsoft.Storage/storageAccounts/st1?api-version=2023-01-01",
                    token, (String) null).status()).isEqualTo(404);
            assertThat(server.call("GET", "/subscriptions/" + server.subscriptionId()
                    + "/providers/Microsoft.Resources/operationStatuses/" + UUID.randomUUID() + "?api-version=2022-09-01",
                    token, (String) null).code()).isEqualTo("OperationNotFound");
        }
    }

    @Test
    void operationsLeftRunningResumeOrFailCleanlyAfterARestart() throws Exception {
        Path data = temporary.resolve("crash");
        String subscription;
        String group;
        try (TestServer server = TestServer.start(data)) {
            subscription = server.subscriptionId();
            String token = server.adminToken();
            group = "/subscriptions/" + subscription + "/resourceGroups/half-deleted";
            server.call("PUT", group + "?api-version=2022-09-01", token, "{\"location\":\"japaneast\"}");
            server.call("PUT", group + "/providers/Microsoft.Storage/storageAccounts/st1?api-version=2023-01-01", token,
                    "{\"location\":\"japaneast\"}");
        }
        // What a SIGKILL in the middle of a deletion leaves: the operation row InProgress, the group still there.
        String resumable = UUID.randomUUID().toString();
        String unknown = UUID.randomUUID().toString();
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(data), null, null, 2))) {
            OperationStore operations = new OperationStore(database, Clock.systemUTC());
            operations.create(resumable, "resourceGroups.delete", group, subscription, "{}", "a-server-that-stopped");
            operations.create(unknown, "someRetiredKind", group, subscription, "{}", null);
        }
        try (TestServer restarted = TestServer.start(data)) {
            String token = restarted.adminToken();
            String base = "/subscriptions/" + subscription + "/providers/Microsoft.Resources/operationStatuses/";
            TestServer.Answer resumed = null;
            for (int i = 0; i < 50; i++) {
                resumed = restarted.call("GET", base + resumable + "?api-version=2022-09-01", token, (String) null);
                if (!resumed.body().path("status").asText().equals("InProgress")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(resumed.body().path("status").asText()).isEqualTo("Succeeded");
            assertThat(restarted.call("GET", group + "?api-version=2022-09-01", token, (String) null).status()).isEqualTo(404);
            TestServer.Answer failed = restarted.call("GET", base + unknown + "?api-version=2022-09-01", token, (String) null);
            assertThat(failed.body().path("status").asText()).isEqualTo("Failed");
            assertThat(failed.body().path("error").path("code").asText()).isEqualTo("OperationInterrupted");
        }
    }
}
