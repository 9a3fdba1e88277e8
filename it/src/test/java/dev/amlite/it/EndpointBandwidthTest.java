package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** EP-6's bandwidth quota: past it, an endpoint's requests are throttled with 429 until the bucket refills. */
class EndpointBandwidthTest {
    @TempDir
    Path temporary;

    @Test
    void requestsOverTheBandwidthQuotaAreThrottled() throws Exception {
        // 1,000 bytes per second; the bucket holds one largest request (10 MiB) so that any single request can pass.
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--endpoint-bandwidth", "1000")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "online-endpoint", "create", "-n", "narrow-pipe");
            Path yaml = BehavingDeployment.yaml(temporary, "narrow-pipe", "dep", "");
            cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "--all-traffic");
            String key = cli.ok("ml", "online-endpoint", "get-credentials", "-n", "narrow-pipe", "-o", "tsv", "--query",
                    "primaryKey").strip();
            String body = "{\"data\": [1], \"pad\": \"" + "x".repeat(4 * 1024 * 1024) + "\"}";
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = server.http().send(HttpRequest.newBuilder(URI.create(server.url()
                                + "/inference/japaneast/narrow-pipe/score")).header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                statuses.add(last.statusCode());
            }
            assertThat(statuses).startsWith(200, 200, 200).endsWith(429);
            JsonNode error = Json.parse(last.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("BandwidthQuotaExceeded");
            assertThat(error.path("message").asText()).contains("0.001 MB/s");
        }
    }
}
