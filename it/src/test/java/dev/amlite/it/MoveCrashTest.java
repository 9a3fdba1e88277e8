package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MV-5 by force: a workspace with hundreds of children moves back and forth between two subscriptions while the
 * server is killed with SIGKILL at a different moment of each move (before, during and after the move's transaction);
 * after every restart the workspace is wholly on one side — all of its versions there, none on the other, never
 * left marked moving — and, the operation being stored before the 202, the resumed move always finishes.
 */
class MoveCrashTest {
    private static final Pattern READY = Pattern.compile("amlite server ready at (\\S+)");
    private static final String API = "?api-version=2024-04-01";
    private static final int VERSIONS = 300;

    @TempDir
    Path temporary;

    private record Server(Process process, String url) {
    }

    private Server start(Path data, String... extra) throws Exception {
        Path password = temporary.resolve("password");
        Files.writeString(password, "Move-crash-pa55word");
        List<String> command = new ArrayList<>(List.of(Cli.root().resolve("amlite").toString(), "server", "start",
                "--data-dir", data.toString(), "--port", "0", "--admin-password-file", password.toString()));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AMLITE_NO_BUILD", "1");
        builder.redirectError(temporary.resolve("server-" + System.nanoTime() + ".log").toFile());
        Process process = builder.start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String url = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = reader.readLine()) != null; ) {
            Matcher matcher = READY.matcher(line);
            if (matcher.find()) {
                url = matcher.group(1);
            }
            if (line.startsWith("    amlite login")) {
                break;
            }
        }
        assertThat(url).isNotNull();
        Thread.ofVirtual().start(() -> reader.lines().forEach(l -> { }));
        return new Server(process, url);
    }

    private static HttpResponse<String> call(HttpClient http, String method, String url, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(HttpClient http, String url) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/organizations/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=Move-crash-pa55word"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return Json.parse(answer.body()).path("access_token").asText();
    }

    /** How many environment versions the workspace has at {@code workspace}; -1 when it is not there, -2 moving. */
    private static int versionsAt(HttpClient http, String url, String token, String workspace) throws Exception {
        HttpResponse<String> shown = call(http, "GET", url + workspace + API, token, null);
        if (shown.statusCode() == 404) {
            return -1;
        }
        if (shown.statusCode() == 409) {
            assertThat(shown.body()).contains("WorkspaceMoving");
            return -2;
        }
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        JsonNode list = Json.parse(call(http, "GET", url + workspace + "/environments/env/versions" + API, token, null).body());
        return list.path("value").size();
    }

    @Test
    void aMoveKilledAtAnyMomentLeavesTheWorkspaceWhollyOnOneSide() throws Exception {
        Path data = temporary.resolve("data");
        Server server = start(data);
        HttpClient http = HttpTransport.client(data.resolve("tls").resolve("server.crt"));
        String token = token(http, server.url());
        String origin = Json.parse(call(http, "GET", server.url() + "/subscriptions?api-version=2022-09-01", token, null)
                .body()).path("value").get(0).path("subscriptionId").asText();
        String alias = call(http, "PUT", server.url() + "/providers/Microsoft.Subscription/aliases/crash-dest"
                + "?api-version=2021-10-01", token, "{\"properties\":{\"displayName\":\"crash-dest\",\"workload\":\"Production\"}}")
                .body();
        String destination = Json.parse(alias).path("properties").path("subscriptionId").asText();
        String[] groups = {"/subscriptions/" + origin + "/resourceGroups/left", "/subscriptions/" + destination
                + "/resourceGroups/right"};
        for (String group : groups) {
            assertThat(call(http, "PUT", server.url() + group + "?api-version=2022-09-01", token,
                    "{\"location\":\"japaneast\"}").statusCode()).isEqualTo(201);
        }
        String workspace = "/providers/Microsoft.MachineLearningServices/workspaces/crashws";
        assertThat(call(http, "PUT", server.url() + groups[0] + workspace + API, token, "{\"location\":\"japaneast\"}")
                .statusCode()).isBetween(200, 201);
        for (int v = 1; v <= VERSIONS; v++) {
            assertThat(call(http, "PUT", server.url() + groups[0] + workspace + "/environments/env/versions/" + v + API,
                    token, "{\"properties\":{\"image\":\"python:3.11\"}}").statusCode()).isBetween(200, 201);
        }

        int side = 0;
        List<String> outcomes = new ArrayList<>();
        for (int delay : new int[] {0, 2, 10, 25, 50, 100, 250}) {
            String from = groups[side];
            String to = groups[1 - side];
            String body = "{\"resources\":[\"" + from + workspace + "\"],\"targetResourceGroup\":\"" + to + "\"}";
            HttpResponse<String> accepted = call(http, "POST", server.url() + from + "/moveResources?api-version=2022-09-01",
                    token, body);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            Thread.sleep(delay);
            server.process().destroyForcibly();
            assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

            server = start(data);
            token = token(http, server.url());
            // The operation resumes after the restart: wait until the workspace is on one side and not moving.
            int atFrom = 0;
            int atTo = 0;
            for (int i = 0; i < 200; i++) {
                atFrom = versionsAt(http, server.url(), token, from + workspace);
                atTo = versionsAt(http, server.url(), token, to + workspace);
                if (atFrom != -2 && atTo != -2 && (atFrom == -1) != (atTo == -1)) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(atFrom != -2 && atTo != -2 && (atFrom == -1) != (atTo == -1)).as("wholly on one side after a kill %d ms into the move "
                    + "(source %d, target %d)", delay, atFrom, atTo).isTrue();
            assertThat(Math.max(atFrom, atTo)).as("every version, kill at %d ms", delay).isEqualTo(VERSIONS);
            side = atTo == -1 ? side : 1 - side;
            outcomes.add(delay + " ms: " + (atTo == -1 ? "stayed" : "moved"));
        }
        // The 202 comes once the operation is stored, so every killed move resumes at the restart and finishes.
        assertThat(outcomes).as(outcomes.toString()).hasSize(7).allMatch(o -> o.endsWith("moved"));
        server.process().destroy();
        server.process().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * The same by name: the server stops dead (Runtime.halt, as SIGKILL) at each point of a move's code — marked but
     * not yet moving, every row rewritten but not committed, committed but the private endpoint not yet asked again,
     * half-way through asking it — and after the restart the workspace is wholly on one side, its private endpoint
     * waiting for approval at the side it is on, its history one entry per move.
     */
    @Test
    void aMoveStoppedDeadAtEachNamedPointFinishesAfterTheRestart() throws Exception {
        Path data = temporary.resolve("named");
        Server server = start(data);
        Cli cli = new Cli(temporary.resolve("cli"));
        cli.ok("login", "--server", server.url(), "--username", "admin", "--password", "Move-crash-pa55word",
                "--data-dir", data.toString());
        String origin = cli.ok("account", "show", "--query", "id", "-o", "tsv").trim();
        String destination = Json.parse(cli.ok("account", "create", "--display-name", "crash-dest")).path("subscriptionId").asText();
        String[] groups = {"/subscriptions/" + origin + "/resourceGroups/left", "/subscriptions/" + destination
                + "/resourceGroups/right"};
        cli.ok("group", "create", "-g", "left", "-l", "japaneast", "-o", "none");
        cli.ok("group", "create", "-g", "right", "-l", "japaneast", "--subscription", destination, "-o", "none");
        cli.ok("ml", "workspace", "create", "-n", "crashws", "-g", "left", "-o", "none");
        String workspace = "/providers/Microsoft.MachineLearningServices/workspaces/crashws";
        for (int v = 1; v <= 50; v++) {
            cli.ok("ml", "environment", "create", "-n", "env", "-v", String.valueOf(v), "--image", "python:3.11",
                    "-w", "crashws", "-g", "left", "-o", "none");
        }
        cli.ok("provider", "register", "--namespace", "Microsoft.Network", "--wait");
        cli.ok("network", "vnet", "create", "-g", "left", "-n", "v", "--subnet-name", "s", "-o", "none");
        cli.ok("network", "private-endpoint", "create", "--name", "pe1", "-g", "left", "--vnet-name", "v", "--subnet", "s",
                "--private-connection-resource-id", groups[0] + workspace, "--group-id", "amlworkspace",
                "--connection-name", "c", "-l", "japaneast", "-o", "none");
        server.process().destroy();
        server.process().waitFor(30, TimeUnit.SECONDS);

        HttpClient http = HttpTransport.client(data.resolve("tls").resolve("server.crt"));
        int side = 0;
        int moves = 0;
        for (String point : List.of("move.marked", "move.in-transaction", "move.committed", "move.connection-created",
                "move.reconnected")) {
            server = start(data, "--crash-at", point);
            String token = token(http, server.url());
            String from = groups[side];
            String to = groups[1 - side];
            HttpResponse<String> accepted = call(http, "POST", server.url() + from + "/moveResources?api-version=2022-09-01",
                    token, "{\"resources\":[\"" + from + workspace + "\"],\"targetResourceGroup\":\"" + to + "\"}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("stopped at " + point).isTrue();
            assertThat(server.process().exitValue()).as("halted at " + point).isEqualTo(137);

            server = start(data);
            token = token(http, server.url());
            int atFrom = 0;
            int atTo = 0;
            for (int i = 0; i < 200; i++) {
                atFrom = versionsAt(http, server.url(), token, from + workspace);
                atTo = versionsAt(http, server.url(), token, to + workspace);
                if (atFrom == -1 && atTo >= 0) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(atFrom).as("gone from the source after a stop at %s", point).isEqualTo(-1);
            assertThat(atTo).as("every version at the target after a stop at %s", point).isEqualTo(50);
            moves++;
            side = 1 - side;
            String here = groups[side] + workspace;
            // The resumed operation asks the private endpoint again: wait for it, then check both views.
            JsonNode connections = null;
            for (int i = 0; i < 100; i++) {
                connections = Json.parse(call(http, "GET", server.url() + here + "/privateEndpointConnections" + API,
                        token, null).body()).path("value");
                JsonNode endpoint = Json.parse(call(http, "GET", server.url() + groups[0] + "/providers/Microsoft.Network/"
                        + "privateEndpoints/pe1?api-version=2023-09-01", token, null).body());
                String asks = endpoint.path("properties").path("privateLinkServiceConnections").get(0).path("properties")
                        .path("privateLinkServiceId").asText();
                if (connections.size() == 1 && asks.equalsIgnoreCase(here)) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(connections).as("one connection after a stop at %s", point).hasSize(1);
            assertThat(connections.get(0).path("properties").path("privateLinkServiceConnectionState").path("status")
                    .asText()).isEqualTo("Pending");
            JsonNode shown = Json.parse(call(http, "GET", server.url() + here + API, token, null).body());
            assertThat(shown.path("properties").has("amliteMoving")).as("not left marked after %s", point).isFalse();
            assertThat(shown.path("properties").path("amliteMoveHistory")).as("one entry per move, stop at %s", point)
                    .hasSize(moves);
            server.process().destroy();
            server.process().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
