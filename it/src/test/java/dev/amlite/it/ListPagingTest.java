package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lists longer than a page (here 3 items, `--list-page-size 3`) come in pages with a nextLink, as Azure's do, and
 * the CLI shows the whole list in the server's order.
 */
class ListPagingTest {
    private static final String API = "?api-version=2024-04-01";
    private static final String GROUPS_API = "?api-version=2022-09-01";

    @TempDir
    Path temporary;

    @Test
    void aLongListIsAnsweredInPagesAndTheCliShowsItWhole() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--list-page-size", "3")) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("cli"));
            String token = server.adminToken();
            String groups = "/subscriptions/" + server.subscriptionId() + "/resourcegroups";
            List<String> made = new ArrayList<>(List.of("rg1"));
            for (int i = 1; i <= 7; i++) {
                assertThat(server.call("PUT", groups + "/g" + i + GROUPS_API, token, "{\"location\":\"japaneast\"}").status())
                        .isEqualTo(201);
                made.add("g" + i);
            }
            List<String> paged = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            String next = groups + GROUPS_API;
            while (next != null) {
                TestServer.Answer page = server.call("GET", next, token, (String) null);
                assertThat(page.status()).isEqualTo(200);
                page.body().get("value").forEach(group -> paged.add(group.get("name").asText()));
                sizes.add(page.body().get("value").size());
                JsonNode link = page.body().get("nextLink");
                if (link != null) {
                    assertThat(link.asText()).startsWith(server.url() + groups + "?").contains("api-version=2022-09-01")
                            .contains("$skipToken=");
                }
                next = link == null ? null : link.asText().substring(server.url().length());
            }
            assertThat(paged).containsExactlyInAnyOrderElementsOf(made);
            assertThat(sizes).containsExactly(3, 3, 2);

            List<String> shown = List.of(cli.ok("group", "list", "--query", "[].name", "-o", "tsv").strip().split("\n"));
            assertThat(shown).containsExactlyElementsOf(paged);

            // Versions come newest first; the pages keep that order.
            String versions = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1/providers/"
                    + "Microsoft.MachineLearningServices/workspaces/mlw/environments/slim/versions/";
            for (int v = 1; v <= 5; v++) {
                assertThat(server.call("PUT", versions + v + API, token,
                        "{\"properties\":{\"image\":\"python:3.11-slim\"}}").status()).isEqualTo(201);
            }
            JsonNode listed = Json.parse(cli.ok("ml", "environment", "list", "-n", "slim", "-o", "json"));
            List<String> order = new ArrayList<>();
            listed.forEach(version -> order.add(version.get("version").asText()));
            assertThat(order).containsExactly("5", "4", "3", "2", "1");
            // --max-results shows the newest versions (cut by the server, $top)...
            assertThat(cli.ok("ml", "environment", "list", "-n", "slim", "--max-results", "2", "--query",
                    "[].version", "-o", "tsv").strip().split("\n")).containsExactly("5", "4");
            // ...and of a list in pages, fetches only the pages it shows.
            for (int e = 1; e <= 6; e++) {
                assertThat(server.call("PUT", versions.replace("/slim/", "/env" + e + "/") + "1" + API, token,
                        "{\"properties\":{\"image\":\"python:3.11-slim\"}}").status()).isEqualTo(201);
            }
            Cli.Result whole = cli.run("ml", "environment", "list", "--query", "[].name", "-o", "tsv", "--debug");
            assertThat(whole.out().strip().split("\n")).hasSize(7);
            assertThat(whole.err().lines().filter(line -> line.contains("Following nextLink"))).hasSize(2);
            Cli.Result first = cli.run("ml", "environment", "list", "--query", "[].name", "-o", "tsv", "--debug",
                    "--max-results", "4");
            assertThat(first.out().strip().split("\n")).containsExactlyElementsOf(
                    List.of(whole.out().strip().split("\n")).subList(0, 4));
            assertThat(first.err().lines().filter(line -> line.contains("Following nextLink"))).hasSize(1);
            Cli.Result none = cli.run("ml", "environment", "list", "--max-results", "0");
            assertThat(none.exitCode()).isEqualTo(2);
            assertThat(none.err()).contains("--max-results must be at least 1; 0 was given");

            TestServer.Answer forged = server.call("GET", groups + GROUPS_API + "&$skipToken=bm90LWEtdG9rZW4", token, (String) null);
            assertThat(forged.status()).isEqualTo(400);
            assertThat(forged.code()).isEqualTo("InvalidParameter");
            assertThat(forged.message()).contains("is not one this server gave");
        }
    }
}
