package dev.amlite.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** /metrics names every endpoint and deployment, so it takes a token allowed to read at the root scope. */
class MetricsAccessTest {
    @TempDir
    Path temporary;

    private static HttpResponse<String> scrape(TestServer server, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyReadersOfTheRootScopeScrapeTheMetrics() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ad", "user", "create", "--display-name", "Val", "--user-principal-name", "val@contoso.com",
                    "--password", "Val-pa55word", "-o", "none");
            cli.ok("role", "assignment", "create", "--assignee", "val@contoso.com", "--role", "Owner", "--scope",
                    "/subscriptions/" + server.subscriptionId(), "-o", "none");

            assertThat(scrape(server, null).statusCode()).isEqualTo(401);
            assertThat(scrape(server, server.adminToken()).body()).contains("jvm_memory_used_bytes");
            HttpResponse<String> owner = scrape(server, server.token("val@contoso.com", "Val-pa55word"));
            assertThat(owner.statusCode()).as("an Owner of one subscription does not see the others'").isEqualTo(403);
            assertThat(owner.body()).contains("AuthorizationFailed").contains("--scope /")
                    .doesNotContain("jvm_memory_used_bytes");

            cli.ok("role", "assignment", "create", "--assignee", "val@contoso.com", "--role", "Reader", "--scope", "/",
                    "-o", "none");
            HttpResponse<String> reader = null;
            for (long deadline = System.nanoTime() + 15_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
                reader = scrape(server, server.token("val@contoso.com", "Val-pa55word"));
                if (reader.statusCode() == 200) {
                    break;
                }
            }
            assertThat(reader.statusCode()).isEqualTo(200);
            assertThat(reader.body()).contains("jvm_memory_used_bytes");
        }
    }
}
