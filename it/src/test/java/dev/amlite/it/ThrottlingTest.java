package dev.amlite.it;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-principal token buckets: reads and writes drain separately, and an empty bucket answers 429 + Retry-After. */
class ThrottlingTest {
    @TempDir
    Path temporary;

    @Test
    void readsAndWritesHaveTheirOwnBuckets() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--throttling", "5:0.5,3:0.5")) {
            String token = server.adminToken();
            String groups = "/subscriptions/" + server.subscriptionId() + "/resourcegroups";
            for (int i = 0; i < 5; i++) {
                TestServer.Answer read = server.call("GET", groups + "?api-version=2022-09-01", token, (String) null);
                assertThat(read.status()).isEqualTo(200);
                assertThat(read.headers().firstValue("x-ms-ratelimit-remaining-subscription-reads")).contains(String.valueOf(4 - i));
            }
            TestServer.Answer throttled = server.call("GET", groups + "?api-version=2022-09-01", token, (String) null);
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.code()).isEqualTo("TooManyRequests");
            assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(value ->
                    assertThat(Integer.parseInt(value)).isBetween(1, 2));
            TestServer.Answer write = server.call("PUT", groups + "/g1?api-version=2022-09-01", token, "{\"location\":\"japaneast\"}");
            assertThat(write.status()).isEqualTo(201);
        }
    }

    @Test
    void theAzurePresetIsArmsPublishedLimits() {
        var limits = dev.amlite.control.throttle.ThrottleLimits.parse("azure");
        assertThat(limits.readBurst()).isEqualTo(250);
        assertThat(limits.readsPerSecond()).isEqualTo(25);
        assertThat(limits.writeBurst()).isEqualTo(200);
        assertThat(limits.writesPerSecond()).isEqualTo(10);
    }
}
