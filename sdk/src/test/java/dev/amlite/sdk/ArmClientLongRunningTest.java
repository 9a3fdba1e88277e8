package dev.amlite.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.amlite.core.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the client follows ARM's long-running operations, against a small server that plays the operation. */
class ArmClientLongRunningTest {
    private HttpServer server;
    private ArmClient client;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile int inProgressPolls;
    private volatile int putStatus;
    private volatile String finalStatus = "Succeeded";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new ArmClient(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.getAddress().getPort(),
                () -> new AccessToken("t", Instant.now().plusSeconds(3600)), null);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        calls.add(exchange.getRequestMethod() + " " + path);
        String body;
        int status;
        if (path.equals("/thing")) {
            status = putStatus;
            body = "{\"properties\":{\"provisioningState\":\"Updating\"}}";
            exchange.getResponseHeaders().add("Azure-AsyncOperation", "http://127.0.0.1:"
                    + server.getAddress().getPort() + "/operation");
        } else {
            status = 200;
            int poll = polls.incrementAndGet();
            String state = poll <= inProgressPolls ? "InProgress" : finalStatus;
            body = "{\"status\":\"" + state + "\"" + (state.equals("Failed")
                    ? ",\"error\":{\"code\":\"ResourceNotReady\",\"message\":\"instance did not start\"}" : "") + "}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ArmClient.Response put() {
        return client.send("PUT", "/thing", null, java.util.Map.of(), Json.object());
    }

    @Test
    void anUpdateAnswered200WithAnOperationIsFollowedToItsEnd() {
        putStatus = 200;
        inProgressPolls = 2;
        ArmClient.Response done = client.waitForCompletion(put(), () -> { });
        assertThat(done.body().path("status").asText()).isEqualTo("Succeeded");
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void aCreateAnswered201IsFollowedToo() {
        putStatus = 201;
        inProgressPolls = 1;
        client.waitForCompletion(put(), () -> { });
        assertThat(polls.get()).isEqualTo(2);
    }

    @Test
    void aFailedOperationThrowsItsError() {
        putStatus = 200;
        finalStatus = "Failed";
        assertThatThrownBy(() -> client.waitForCompletion(put(), () -> { }))
                .isInstanceOf(AmliteException.class).hasMessageContaining("instance did not start");
    }

    @Test
    void anAnswerWithoutOperationHeadersIsFinal() {
        ArmClient.Response plain = new ArmClient.Response(200, java.util.Map.of(), Json.object());
        assertThat(client.waitForCompletion(plain, () -> { })).isSameAs(plain);
        assertThat(calls).isEmpty();
    }
}
