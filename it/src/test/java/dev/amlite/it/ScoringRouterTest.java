package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scoring router's promises (EP-4 … EP-7) against a real server and real Python instances: the exact split,
 * mirroring that never touches the client, Azure's status codes (401, 404, 408, 413, 424, 429), a timed-out run()
 * cancelled inside the instance, crash recovery, and a rolling update under load that fails no request.
 */
class ScoringRouterTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"), "--endpoint-token-lifetime", "3s");
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void endpoint(String name, String authMode) throws Exception {
        Path yaml = temporary.resolve(name + ".yml");
        Files.writeString(yaml, "name: " + name + "\nauth_mode: " + authMode + "\n");
        cli.ok("ml", "online-endpoint", "create", "-f", yaml.toString());
    }

    static Cli.Result deploy(String endpoint, String name, String extra, String... flags) throws Exception {
        Path yaml = BehavingDeployment.yaml(temporary, endpoint, name, extra);
        List<String> command = new ArrayList<>(List.of("ml", "online-deployment", "create", "-f", yaml.toString()));
        command.addAll(List.of(flags));
        return cli.run(command.toArray(String[]::new));
    }

    static void deployed(String endpoint, String name, String extra, String... flags) throws Exception {
        Cli.Result result = deploy(endpoint, name, extra, flags);
        assertThat(result.exitCode()).as("deployment %s/%s: %s", endpoint, name, result.err()).isZero();
    }

    /** The scoring URI on the inference port, as 'online-endpoint show' gives it. */
    static String uri(String endpoint) {
        return server.scoringUrl() + "/inference/japaneast/" + endpoint + "/score";
    }

    static String key(String endpoint) {
        return cli.ok("ml", "online-endpoint", "get-credentials", "-n", endpoint, "-o", "tsv", "--query", "primaryKey").strip();
    }

    static HttpResponse<String> score(String endpoint, String bearer, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri(endpoint)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        return server.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The shadow's metrics once {@code expected} mirrored copies have been answered (they run in the background). */
    static JsonNode awaitMirrored(String endpoint, int expected) throws Exception {
        JsonNode metrics = null;
        for (int i = 0; i < 50; i++) {
            metrics = Json.parse(cli.ok("ml", "online-deployment", "get-metrics", "-n", "shadow", "-e", endpoint));
            if (metrics.path("mirrored").path("requests").asInt() + metrics.path("mirrored").path("dropped").asInt()
                    >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(metrics.path("mirrored").path("requests").asInt() + metrics.path("mirrored").path("dropped").asInt())
                .isEqualTo(expected);
        return metrics;
    }

    static String errorCode(HttpResponse<String> response) {
        return Json.parse(response.body()).path("error").path("code").asText();
    }

    @Test
    void splitIsExactOver10000RequestsAndMirrorRulesHold() throws Exception {
        endpoint("split", "key");
        String concurrent = "request_settings:\n  max_concurrent_requests_per_instance: 4\n";
        deployed("split", "d70", concurrent, "--all-traffic");
        deployed("split", "d30", concurrent);
        deployed("split", "shadow", "");
        cli.ok("ml", "online-endpoint", "update", "-n", "split", "--traffic", "d70=70 d30=30");
        String key = key("split");
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                work.add(clients.submit(() -> {
                    for (int i = 0; i < 1250; i++) {
                        HttpResponse<String> answer = score("split", key, "{\"data\": [1]}", Map.of());
                        if (answer.statusCode() != 200 && failures.incrementAndGet() == 1) {
                            System.err.println("split: " + answer.statusCode() + " " + answer.body());
                        }
                        counts.computeIfAbsent(answer.headers().firstValue("azureml-model-deployment").orElse("-"),
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        assertThat(failures.get()).isZero();
        // Smooth weighted round robin: every 100 consecutive requests split exactly 70/30.
        assertThat(counts.get("d70").get()).isEqualTo(7000);
        assertThat(counts.get("d30").get()).isEqualTo(3000);
        assertThat(counts).doesNotContainKey("shadow");
        String metrics = server.http().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("amlite_scoring_requests_total\\{deployment=\"d70\",endpoint=\"split\","
                + "traffic=\"live\"\\} 7000\\.0");
        assertThat(metrics).contains("amlite_scoring_latency_p99_ms{deployment=\"d30\",endpoint=\"split\"}");
        // The 10,000 requests came over kept-alive connections to the scoring port, none refused.
        java.util.regex.Matcher accepted = java.util.regex.Pattern
                .compile("amlite_inference_connections_accepted_total (\\d+)").matcher(metrics);
        assertThat(accepted.find()).isTrue();
        assertThat(Long.parseLong(accepted.group(1))).isBetween(1L, 1000L);
        assertThat(metrics).contains("amlite_inference_connections_refused_total 0.0")
                .contains("amlite_inference_connections_open");

        // The mirror rules: at most 50 %, one deployment, never one with live traffic — each refused with its reason.
        assertThat(cli.run("ml", "online-endpoint", "update", "-n", "split", "--mirror-traffic", "shadow=60").err())
                .contains("at most 50%");
        assertThat(cli.run("ml", "online-endpoint", "update", "-n", "split", "--mirror-traffic", "shadow=10 d30=10").err())
                .contains("one deployment only");
        assertThat(cli.run("ml", "online-endpoint", "update", "-n", "split", "--mirror-traffic", "d30=10").err())
                .contains("has live traffic");

        cli.ok("ml", "online-endpoint", "update", "-n", "split", "--mirror-traffic", "shadow=20");
        for (int i = 0; i < 100; i++) {
            if (i == 52) {
                // The once-a-second check against the store runs here: the server routed its own change already, so
                // the route (and its exact sampling: 10 copies of 52, then 10 of 48) stays; made again, it would
                // start counting afresh and take 9 of the last 48.
                Thread.sleep(2_500);
            }
            HttpResponse<String> answer = score("split", key, "{\"data\": [2]}", Map.of());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("azureml-model-deployment").orElseThrow()).isIn("d70", "d30");
            assertThat(Json.parse(answer.body()).path("score").asDouble()).isEqualTo(2.5);
        }
        JsonNode shadow = awaitMirrored("split", 20);
        assertThat(shadow.path("requests").asInt()).as("mirrored copies are not live requests").isZero();
        long before = shadow.path("mirrored").path("requests").asLong();
        // Pinned requests are never mirrored.
        for (int i = 0; i < 10; i++) {
            assertThat(score("split", key, "{}", Map.of("azureml-model-deployment", "d30")).statusCode()).isEqualTo(200);
        }
        shadow = Json.parse(cli.ok("ml", "online-deployment", "get-metrics", "-n", "shadow", "-e", "split"));
        assertThat(shadow.path("mirrored").path("requests").asLong()).as("pinned requests are not mirrored")
                .isEqualTo(before);
        // A request pinned to the shadow is served by it even though it only gets mirrored traffic.
        HttpResponse<String> pinned = score("split", key, "{\"data\": [1]}", Map.of("azureml-model-deployment", "shadow"));
        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(pinned.headers().firstValue("azureml-model-deployment")).hasValue("shadow");
    }

    @Test
    void mirroredCopiesOfASlowFailingShadowDoNotDelayTheClient() throws Exception {
        endpoint("mirror", "key");
        deployed("mirror", "live", "", "--all-traffic");
        deployed("mirror", "shadow", "  DELAY_MS: '500'\n  FAIL_ALWAYS: '1'\n"
                + "request_settings:\n  max_concurrent_requests_per_instance: 16\n");
        cli.ok("ml", "online-endpoint", "update", "-n", "mirror", "--mirror-traffic", "shadow=50");
        String key = key("mirror");
        // The shadow answers each copy after 500 ms and then fails; the client must never wait that long.
        long slowest = 0;
        for (int i = 0; i < 40; i++) {
            long started = System.nanoTime();
            HttpResponse<String> answer = score("mirror", key, "{\"data\": [1], \"sleep_ms\": 0}", Map.of());
            slowest = Math.max(slowest, System.nanoTime() - started);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("azureml-model-deployment")).hasValue("live");
        }
        assertThat(slowest).as("slowest client request, ns").isLessThan(500_000_000L);
        JsonNode shadow = awaitMirrored("mirror", 20);
        assertThat(shadow.path("mirrored").path("failed").asInt()).as("the shadow's failures are counted, not "
                + "passed on").isEqualTo(shadow.path("mirrored").path("requests").asInt());
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "shadow", "-e", "mirror"))
                .contains("this deployment always fails");
        JsonNode log = Json.parse(cli.ok("ml", "online-endpoint", "get-request-log", "-n", "mirror", "--top", "100"));
        assertThat(log.findValues("mirrored").stream().filter(JsonNode::asBoolean).count())
                .isEqualTo(shadow.path("mirrored").path("requests").asLong()).isPositive();
    }

    @Test
    void statusCodesOfAzure() throws Exception {
        endpoint("codes", "key");
        String extra = "request_settings:\n  request_timeout_ms: 700\n  max_concurrent_requests_per_instance: 1\n";
        deployed("codes", "only", extra);
        String key = key("codes");
        // No deployment has traffic: 404 (a pinned request still works).
        HttpResponse<String> none = score("codes", key, "{}", Map.of());
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(errorCode(none)).isEqualTo("NoTrafficDeployment");
        cli.ok("ml", "online-endpoint", "update", "-n", "codes", "--traffic", "only=100");

        // The scoring script raises: 424 with the message, the traceback in the deployment's logs.
        HttpResponse<String> failed = score("codes", key, "{\"fail\": \"bad input 42\"}", Map.of());
        assertThat(failed.statusCode()).isEqualTo(424);
        assertThat(failed.body()).contains("ValueError: asked to fail: bad input 42");
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "only", "-e", "codes"))
                .contains("Traceback").contains("ValueError: asked to fail: bad input 42");

        // Over request_timeout_ms: 408, and the run() is cancelled inside the instance, which serves again at once.
        long started = System.nanoTime();
        HttpResponse<String> slow = score("codes", key, "{\"busy_ms\": 5000}", Map.of());
        long took = System.nanoTime() - started;
        assertThat(slow.statusCode()).isEqualTo(408);
        assertThat(took).isLessThan(5_000_000_000L);
        HttpResponse<String> next = score("codes", key, "{\"data\": [1]}", Map.of());
        assertThat(next.statusCode()).as("the instance (1 concurrent request) is free again: the busy run() was "
                + "cancelled").isEqualTo(200);
        String logs = cli.ok("ml", "online-deployment", "get-logs", "-n", "only", "-e", "codes");
        assertThat(logs).contains("cancelled after 700 ms").doesNotContain("busy request finished");

        // More than 2 x max_concurrent (1) x instances (1) in flight: 429.
        List<Future<HttpResponse<String>>> burst = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                burst.add(clients.submit(() -> score("codes", key, "{\"sleep_ms\": 400}", Map.of())));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : burst) {
                statuses.add(f.get().statusCode());
            }
            assertThat(statuses).contains(429);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(3);
        }

        // A body over the limit: 413 before any instance sees it.
        HttpResponse<String> big = score("codes", key, "{\"data\": \"" + "x".repeat(11 * 1024 * 1024) + "\"}", Map.of());
        assertThat(big.statusCode()).isEqualTo(413);
    }

    @Test
    void authenticationMatrix() throws Exception {
        endpoint("auth-a", "key");
        endpoint("auth-b", "key");
        endpoint("auth-t", "aml_token");
        deployed("auth-a", "dep", "", "--all-traffic");
        String keyA = key("auth-a");
        String keyB = key("auth-b");
        JsonNode keysA = Json.parse(cli.ok("ml", "online-endpoint", "get-credentials", "-n", "auth-a"));
        assertThat(score("auth-a", keyA, "{}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(score("auth-a", keysA.path("secondaryKey").asText(), "{}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(score("auth-a", null, "{}", Map.of()).statusCode()).isEqualTo(401);
        assertThat(score("auth-a", keyA + "x", "{}", Map.of()).statusCode()).isEqualTo(401);
        assertThat(score("auth-a", keyB, "{}", Map.of()).statusCode()).as("another endpoint's key").isEqualTo(401);
        cli.ok("ml", "online-endpoint", "regenerate-keys", "-n", "auth-a", "--key-type", "primary");
        assertThat(score("auth-a", keyA, "{}", Map.of()).statusCode()).as("the old primary key").isEqualTo(401);
        assertThat(score("auth-a", key("auth-a"), "{}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(cli.ok("ml", "online-endpoint", "list")).doesNotContain(keysA.path("secondaryKey").asText());
        // The main port answers the same path with the same rules.
        HttpRequest.Builder mainPort = HttpRequest.newBuilder(URI.create(server.url() + "/inference/japaneast/auth-a/score"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        assertThat(server.http().send(mainPort.copy().header("Authorization", "Bearer " + key("auth-a")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(server.http().send(mainPort.copy().header("Authorization", "Bearer " + keyB).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        deployed("auth-t", "dep", "", "--all-traffic");
        JsonNode token = Json.parse(cli.ok("ml", "online-endpoint", "get-credentials", "-n", "auth-t"));
        String accessToken = token.path("accessToken").asText();
        assertThat(token.path("expiryTimeUtc").asLong()).isGreaterThan(token.path("refreshAfterTimeUtc").asLong());
        assertThat(score("auth-t", accessToken, "{}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(score("auth-a", accessToken, "{}", Map.of()).statusCode()).as("a token of another endpoint")
                .isEqualTo(401);
        assertThat(score("auth-t", keyB, "{}", Map.of()).statusCode()).isEqualTo(401);
        String tampered = accessToken.substring(0, accessToken.length() - 2)
                + (accessToken.endsWith("AA") ? "BB" : "AA");
        assertThat(score("auth-t", tampered, "{}", Map.of()).statusCode()).isEqualTo(401);
        // The server runs with --endpoint-token-lifetime 3s.
        Thread.sleep(Math.max(0, token.path("expiryTimeUtc").asLong() * 1000 - System.currentTimeMillis()) + 1100);
        HttpResponse<String> expired = score("auth-t", accessToken, "{}", Map.of());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(errorCode(expired)).isEqualTo("TokenExpired");
    }

    @Test
    void crashedInstanceRestartsAndRollingUpdateUnderLoadFailsNothing() throws Exception {
        endpoint("roll", "key");
        deployed("roll", "dep", "request_settings:\n  max_concurrent_requests_per_instance: 4\n", "--all-traffic");
        String key = key("roll");
        HttpResponse<String> crash = score("roll", key, "{\"crash\": true}", Map.of());
        assertThat(crash.statusCode()).isEqualTo(502);
        boolean back = false;
        for (int i = 0; i < 100 && !back; i++) {
            back = score("roll", key, "{}", Map.of()).statusCode() == 200;
            if (!back) {
                Thread.sleep(100);
            }
        }
        assertThat(back).as("the crashed instance was restarted").isTrue();
        assertThat(Json.parse(cli.ok("ml", "online-deployment", "get-metrics", "-n", "dep", "-e", "roll"))
                .path("restarts").asInt()).isEqualTo(1);
        assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "dep", "-e", "roll"))
                .contains("exited with code 7");

        // Constant load while the deployment scales and rolls to a new version: no request may fail.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> {
                    while (running.get()) {
                        HttpResponse<String> answer = score("roll", key, "{\"data\": [1]}", Map.of());
                        if (answer.statusCode() == 200) {
                            ok.incrementAndGet();
                            versions.computeIfAbsent(Json.parse(answer.body()).path("version").asText(),
                                    k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add(answer.statusCode() + " " + answer.body());
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(500);
            cli.ok("ml", "online-deployment", "update", "-n", "dep", "-e", "roll", "--set", "instance_count=2");
            cli.ok("ml", "online-deployment", "update", "-n", "dep", "-e", "roll", "--set", "environment_variables.VERSION=2");
            cli.ok("ml", "online-deployment", "update", "-n", "dep", "-e", "roll", "--set", "instance_count=1");
            Thread.sleep(500);
            running.set(false);
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(versions).containsKeys("1", "2");
        assertThat(score("roll", key, "{}", Map.of()).body()).contains("\"version\": \"2\"");
    }

    @Test
    void anEndpointWithoutPublicAccessServesOnlyThroughThePrivateEndpoint() throws Exception {
        Path yaml = temporary.resolve("private.yml");
        Files.writeString(yaml, "name: private-ep\nauth_mode: key\npublic_network_access: disabled\n");
        cli.ok("ml", "online-endpoint", "create", "-f", yaml.toString());
        deployed("private-ep", "dep", "", "--all-traffic");
        String key = key("private-ep");
        HttpResponse<String> refused = score("private-ep", key, "{}", Map.of());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(errorCode(refused)).isEqualTo("PublicNetworkAccessDisabled");
        assertThat(refused.body()).contains("127.0.0.1");
        // This machine's loopback stands for the virtual network of an approved private endpoint.
        cli.ok("provider", "register", "--namespace", "Microsoft.Network", "--wait");
        cli.ok("network", "vnet", "create", "-g", "rg1", "-n", "v", "--address-prefix", "127.0.0.0/8",
                "--subnet-name", "s", "--subnet-prefix", "127.0.0.0/8");
        String workspace = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw", "-g", "rg1")).path("id").asText();
        cli.ok("network", "private-endpoint", "create", "--name", "pe1", "-g", "rg1", "--vnet-name", "v", "--subnet",
                "s", "--private-connection-resource-id", workspace, "--group-id", "amlworkspace", "--connection-name",
                "workspace", "-l", "japaneast");
        assertThat(score("private-ep", key, "{}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(cli.run("ml", "online-endpoint", "update", "-n", "private-ep", "--set",
                "public_network_access=sometimes").err()).contains("enabled or disabled");
    }

    @Test
    void theRouterReachesItsInstancesOverTheirLocalSocketNotLoopbackTcp() throws Exception {
        endpoint("local", "key");
        deployed("local", "dep", "request_settings:\n  max_concurrent_requests_per_instance: 8\n", "--all-traffic");
        String key = key("local");
        long pid = -1;
        // Eight at a time, each run() taking 20 ms: the router needs several connections to the instance.
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(clients.submit(() -> score("local", key, "{\"pid\": true, \"sleep_ms\": 20}", Map.of())));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
                pid = Json.parse(answer.get().body()).path("pid").asLong();
            }
        }
        // The router keeps its connections to the instance open between requests: whatever the instance holds now
        // is what the scoring traffic came over. A connected Unix socket can only be one the router opened; the
        // supervisor's liveness and readiness probes use the port and may each keep one TCP connection.
        Set<String> sockets = socketInodes(pid);
        assertThat(sockets).as("the instance (pid %s) holds sockets", pid).isNotEmpty();
        long overLocalSocket = Files.readAllLines(Path.of("/proc/net/unix")).stream().skip(1)
                .map(line -> line.strip().split("\\s+"))
                .filter(f -> f.length >= 7 && f[5].equals("03") && sockets.contains(f[6])).count();
        long overTcp = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (Files.exists(Path.of(table))) {
                overTcp += Files.readAllLines(Path.of(table)).stream().skip(1)
                        .map(line -> line.strip().split("\\s+"))
                        .filter(f -> f.length >= 10 && f[3].equals("01") && sockets.contains(f[9])).count();
            }
        }
        assertThat(overLocalSocket).as("connections from the router on the instance's Unix socket").isPositive();
        assertThat(overTcp).as("established TCP connections of the instance (the probes' at most)").isLessThanOrEqualTo(2);
    }

    /** The inodes of the sockets process {@code pid} has open (its /proc/PID/fd links read "socket:[inode]"). */
    static Set<String> socketInodes(long pid) throws Exception {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // a descriptor closed between the listing and the read
                }
            }
        }
        return inodes;
    }
}
