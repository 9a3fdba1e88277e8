package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AccessToken;
import dev.amlite.sdk.AmliteClient;
import dev.amlite.sdk.AmliteClientBuilder;
import dev.amlite.sdk.ml.Workspace;
import dev.amlite.sdk.ml.WorkspaceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations at the same moment: asset versions the SDK numbers get a number each (as one after another do), a
 * version PUT by several requests at once is made once and never replaced by a later one's files, and ARM's
 * If-Match / If-None-Match conditions hold on writes.
 */
class ConcurrentRegistrationTest {
    private static final String API = "?api-version=2024-04-01";
    private static final int AT_ONCE = 8;

    @TempDir
    static Path temporary;
    static TestServer server;
    static Workspace workspace;
    static String token;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        token = server.adminToken();
        AmliteClient client = new AmliteClientBuilder().endpoint(server.url())
                .caFile(server.dataDirectory().resolve("tls").resolve("server.crt"))
                .credential(() -> new AccessToken(token, Instant.now().plusSeconds(3000)))
                .subscriptionId(server.subscriptionId()).buildClient();
        workspace = Workspace.create(client, WorkspaceOptions.named("race").resourceGroup("racerg")
                .createResourceGroup(true).location("japaneast"));
        base = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/racerg/providers/Microsoft.MachineLearningServices/workspaces/race";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs the tasks at once (released together) and returns their results in order. */
    private static <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void versionsNumberedAtOnceGetANumberEachAndKeepTheirOwnFiles() throws Exception {
        List<Callable<JsonNode>> tasks = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            Path folder = Files.createDirectories(temporary.resolve("model" + i));
            Files.writeString(folder.resolve("weights.txt"), "weights of model " + i);
            tasks.add(() -> workspace.models().createOrUpdate("together", null, Json.object(), folder));
        }
        List<JsonNode> registered = atOnce(tasks);
        Map<String, String> pathByVersion = new HashMap<>();
        for (JsonNode version : registered) {
            pathByVersion.put(version.path("name").asText(), version.path("properties").path("modelUri").asText());
        }
        assertThat(pathByVersion.keySet()).as("one version each").containsExactlyInAnyOrder("1", "2", "3", "4", "5",
                "6", "7", "8");
        assertThat(pathByVersion.values()).as("each with its own files").doesNotHaveDuplicates();
        for (Map.Entry<String, String> entry : pathByVersion.entrySet()) {
            assertThat(workspace.models().get("together", entry.getKey()).path("properties").path("modelUri").asText())
                    .isEqualTo(entry.getValue());
        }
        assertThat(workspace.models().container("together").orElseThrow().path("properties").path("nextVersion")
                .asText()).isEqualTo("9");
    }

    @Test
    void aVersionPutByManyAtOnceIsMadeOnceAndNotReplaced() throws Exception {
        for (int round = 1; round <= 5; round++) {
            String path = base + "/models/contested/versions/" + round + API;
            List<Callable<TestServer.Answer>> tasks = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                String body = "{\"properties\":{\"modelUri\":\"https://example.org/models/" + round + "/" + i + "\"}}";
                tasks.add(() -> server.call("PUT", path, token, body));
            }
            List<TestServer.Answer> answers = atOnce(tasks);
            List<TestServer.Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
            assertThat(created).as("round %d: %s", round, answers.stream().map(TestServer.Answer::status).toList())
                    .hasSize(1);
            assertThat(answers.stream().filter(a -> a.status() != 201).map(TestServer.Answer::code))
                    .as("the others are told it exists with other content").containsOnly("Conflict");
            String winner = created.get(0).body().path("properties").path("modelUri").asText();
            assertThat(server.call("GET", path, token, (String) null).body().path("properties").path("modelUri")
                    .asText()).as("round %d: the version made first stays as it was made", round).isEqualTo(winner);
        }
    }

    @Test
    void writesAtOnceWithoutConditionsAllLand() throws Exception {
        String container = base + "/models/described" + API;
        assertThat(server.call("PUT", container, token, "{\"properties\":{}}").status()).isEqualTo(201);
        String group = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/tagged?api-version=2021-04-01";
        assertThat(server.call("PUT", group, token, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
        for (int round = 1; round <= 3; round++) {
            List<Callable<TestServer.Answer>> tasks = new ArrayList<>();
            for (int i = 0; i < 2 * AT_ONCE; i++) {
                String text = "round " + round + " writer " + i;
                tasks.add(i % 2 == 0
                        ? () -> server.call("PUT", container, token, "{\"properties\":{\"description\":\"" + text + "\"}}")
                        : () -> server.call("PATCH", group, token, "{\"tags\":{\"by\":\"" + text + "\"}}"));
            }
            List<TestServer.Answer> answers = atOnce(tasks);
            // Before, a write overtaken between its read and its write was answered 412, "read it again and retry",
            // though the client had set no condition.
            assertThat(answers.stream().map(TestServer.Answer::status)).as("round %d", round).containsOnly(200);
            String description = server.call("GET", container, token, (String) null).body().path("properties")
                    .path("description").asText();
            assertThat(description).startsWith("round " + round + " writer ");
        }
    }

    @Test
    void ifNoneMatchCreatesOnlyAndIfMatchChangesOnlyWhatWasRead() throws Exception {
        String path = base + "/models/conditional/versions/1" + API;
        String body = "{\"properties\":{\"modelUri\":\"https://example.org/conditional\",\"description\":\"a\"}}";
        TestServer.Answer made = server.call("PUT", path, token, body, Map.of("If-None-Match", "*"));
        assertThat(made.status()).isEqualTo(201);
        TestServer.Answer again = server.call("PUT", path, token, body, Map.of("If-None-Match", "*"));
        assertThat(again.status()).isEqualTo(412);
        assertThat(again.code()).isEqualTo("PreconditionFailed");
        assertThat(again.message()).contains("exists already").contains("If-None-Match: *");
        assertThat(server.call("PUT", path, token, body, Map.of("If-None-Match", "\"x\"")).message())
                .contains("only '*'");

        String etag = made.headers().firstValue("ETag").orElseThrow();
        assertThat(server.call("GET", path, token, null, Map.of("If-None-Match", etag)).status())
                .as("a read's If-None-Match is a cache's, not a condition on a write").isEqualTo(200);
        assertThat(server.call("GET", path, token, (String) null).headers().firstValue("ETag")).contains(etag);
        String changed = body.replace("\"a\"", "\"b\"");
        TestServer.Answer stale = server.call("PUT", path, token, changed, Map.of("If-Match", "\"not-the-etag\""));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.message()).contains("changed since it was read");
        assertThat(server.call("GET", path, token, (String) null).body().path("properties").path("description")
                .asText()).isEqualTo("a");
        TestServer.Answer current = server.call("PUT", path, token, changed, Map.of("If-Match", etag));
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body().path("properties").path("description").asText()).isEqualTo("b");
        assertThat(server.call("PUT", path, token, changed, Map.of("If-Match", etag)).status())
                .as("the etag read before the change is stale now").isEqualTo(412);

        // Any resource: a resource group's delete and a missing resource's change.
        String group = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/kept?api-version=2021-04-01";
        assertThat(server.call("PUT", group, token, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
        assertThat(server.call("DELETE", group, token, null, Map.of("If-Match", "\"stale\"")).status()).isEqualTo(412);
        assertThat(server.call("GET", group, token, (String) null).status()).isEqualTo(200);
        TestServer.Answer missing = server.call("PUT", base + "/models/nowhere/versions/1" + API, token, body,
                Map.of("If-Match", "*"));
        assertThat(missing.status()).isEqualTo(412);
        assertThat(missing.message()).contains("does not exist");
    }

    @Test
    void firstCreatesOfOneResourceAtOnceAllLandAsOne() throws Exception {
        String subscription = "/subscriptions/" + server.subscriptionId();
        String workspaces = subscription + "/resourceGroups/racerg/providers/Microsoft.MachineLearningServices/workspaces/";
        for (int round = 1; round <= 3; round++) {
            Map<String, String> resources = new java.util.LinkedHashMap<>();
            resources.put(subscription + "/resourceGroups/together" + round + "?api-version=2021-04-01",
                    "{\"location\":\"japaneast\"}");
            resources.put(base + "/models/first" + round + API, "{\"properties\":{\"description\":\"d\"}}");
            resources.put(base + "/onlineEndpoints/ep-first" + round + API,
                    "{\"location\":\"japaneast\",\"properties\":{\"authMode\":\"Key\"}}");
            resources.put(workspaces + "first" + round + API, "{\"location\":\"japaneast\",\"properties\":{}}");
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                List<Callable<TestServer.Answer>> tasks = new ArrayList<>();
                for (int i = 0; i < AT_ONCE; i++) {
                    tasks.add(() -> server.callAlone("PUT", resource.getKey(), token, resource.getValue()));
                }
                List<Integer> statuses = atOnce(tasks).stream().map(TestServer.Answer::status).toList();
                // Before, whichever lost the race to insert the row was answered 409 'already exists', though the
                // same PUT a moment later is answered 200 with what is there.
                assertThat(statuses).as("round %d, %s", round, resource.getKey()).containsOnly(200, 201);
                assertThat(statuses.stream().filter(s -> s == 201)).as("made once").hasSize(1);
            }
            // The workspace's losers made storage accounts of their own and gave them back.
            assertThat(server.call("GET", subscription + "/resourceGroups/racerg/providers/Microsoft.Storage/"
                    + "storageAccounts?api-version=2023-01-01", token, (String) null).body().path("value"))
                    .as("one storage account per workspace").hasSize(1 + round);

            String createOnly = subscription + "/resourceGroups/once" + round + "?api-version=2021-04-01";
            List<Callable<TestServer.Answer>> tasks = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                tasks.add(() -> server.callAlone("PUT", createOnly, token, "{\"location\":\"japaneast\"}",
                        Map.of("If-None-Match", "*")));
            }
            List<TestServer.Answer> answers = atOnce(tasks);
            assertThat(answers.stream().filter(a -> a.status() == 201)).as("created once").hasSize(1);
            assertThat(answers.stream().filter(a -> a.status() != 201).map(TestServer.Answer::code))
                    .as("the others asked to create only").containsOnly("PreconditionFailed");
        }
    }

    @Test
    void everyResourceReadCarriesTheEtagItsConditionalWritesTake() throws Exception {
        String group = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/racerg";
        String endpoint = base + "/onlineEndpoints/ep-etag";
        assertThat(server.call("PUT", endpoint + API, token,
                "{\"location\":\"japaneast\",\"properties\":{\"authMode\":\"Key\"}}").status()).isEqualTo(201);
        String storage = server.call("GET", base + API, token, (String) null).body().path("properties")
                .path("storageAccount").asText();
        String assignment = server.call("GET", "/subscriptions/" + server.subscriptionId()
                + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01", token, (String) null)
                .body().path("value").get(0).path("id").asText();
        Map<String, String> patchable = Map.of(group + "?api-version=2021-04-01", "resource group",
                base + API, "workspace", endpoint + API, "online endpoint");
        for (Map.Entry<String, String> resource : patchable.entrySet()) {
            String path = resource.getKey();
            String etag = server.call("GET", path, token, (String) null).headers().firstValue("ETag").orElse(null);
            assertThat(etag).as("the %s's ETag", resource.getValue()).isNotBlank();
            String tags = "{\"tags\":{\"checked\":\"" + resource.getValue() + "\"}}";
            assertThat(server.call("PATCH", path, token, tags, Map.of("If-Match", "\"stale\"")).status())
                    .as(resource.getValue()).isEqualTo(412);
            TestServer.Answer changed = server.call("PATCH", path, token, tags, Map.of("If-Match", etag));
            assertThat(changed.status()).as(resource.getValue()).isEqualTo(200);
            assertThat(server.call("PATCH", path, token, tags, Map.of("If-Match", etag)).status())
                    .as("%s: the etag read before the change is stale now", resource.getValue()).isEqualTo(412);
        }
        for (String path : List.of(storage + "?api-version=2023-01-01", assignment + "?api-version=2022-04-01")) {
            String etag = server.call("GET", path, token, (String) null).headers().firstValue("ETag").orElse(null);
            assertThat(etag).as(path).isNotBlank();
            assertThat(server.call("DELETE", path, token, null, Map.of("If-Match", "\"stale\"")).status()).as(path)
                    .isEqualTo(412);
            assertThat(server.call("GET", path, token, (String) null).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void versionsRegisteredWhileTheirModelIsDeletedLeaveItGoneOrWholeNeverEmpty() throws Exception {
        for (int round = 1; round <= 20; round++) {
            String model = base + "/models/doomed" + round;
            assertThat(server.call("PUT", model + API, token, "{\"properties\":{}}").status()).isEqualTo(201);
            List<Callable<TestServer.Answer>> tasks = new ArrayList<>();
            for (int v = 1; v <= 3; v++) {
                String body = "{\"properties\":{\"modelUri\":\"https://example.org/doomed/" + v + "\"}}";
                String version = model + "/versions/" + v + API;
                tasks.add(() -> server.callAlone("PUT", version, token, body));
            }
            tasks.add(() -> server.callAlone("DELETE", model + API, token, ""));
            atOnce(tasks);
            TestServer.Answer container = server.call("GET", model + API, token, (String) null);
            if (container.status() == 404) {
                continue;
            }
            // One after another, a version PUT after the DELETE makes the model again with that version. Before, a
            // version the DELETE took away with its model was recorded after it, bringing the model back empty.
            List<String> versions = new ArrayList<>();
            server.call("GET", model + "/versions" + API, token, (String) null).body().path("value")
                    .forEach(v -> versions.add(v.path("name").asText()));
            assertThat(versions).as("round %d: the model is back, so a version made it", round).isNotEmpty();
            assertThat(versions).as("round %d: its latest version is one it has", round)
                    .contains(container.body().path("properties").path("latestVersion").asText());
        }
    }
}
