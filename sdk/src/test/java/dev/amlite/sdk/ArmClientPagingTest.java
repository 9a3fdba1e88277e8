package dev.amlite.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the client reads a list the server answers in pages, against a small server that plays the pages. */
class ArmClientPagingTest {
    private HttpServer server;
    private ArmClient client;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile String lastLink;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new ArmClient(HttpClient.newHttpClient(), base(),
                () -> new AccessToken("t", Instant.now().plusSeconds(3600)), null);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        calls.add(exchange.getRequestURI().getPath() + "?" + query);
        String page = query.contains("$skipToken=") ? query.replaceAll(".*\\$skipToken=", "") : "1";
        String body = switch (page) {
            case "1" -> "{\"value\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"nextLink\":\"" + base() + "/items?api-version=1&$skipToken=2\"}";
            case "2" -> "{\"value\":[{\"name\":\"c\"}],\"nextLink\":\"" + lastLink + "\"}";
            default -> "{\"value\":[{\"name\":\"d\"}]}";
        };
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void aListInPagesIsReadWholeInOrder() {
        lastLink = base() + "/items?api-version=1&$skipToken=3";
        JsonNode list = client.get("/items", "1");
        List<String> names = new ArrayList<>();
        list.get("value").forEach(item -> names.add(item.get("name").asText()));
        assertThat(names).containsExactly("a", "b", "c", "d");
        assertThat(list.has("nextLink")).isFalse();
        assertThat(calls).containsExactly("/items?api-version=1", "/items?api-version=1&$skipToken=2",
                "/items?api-version=1&$skipToken=3");
    }

    @Test
    void aShortLookFetchesOnlyThePagesItShows() {
        lastLink = base() + "/items?api-version=1&$skipToken=3";
        assertThat(client.list("/items", "1", Map.of("kind", "x"), 2)).extracting(item -> item.get("name").asText())
                .containsExactly("a", "b");
        assertThat(calls).as("fewer than all are asked for with $top")
                .containsExactly("/items?kind=x&%24top=2&api-version=1");

        calls.clear();
        assertThat(client.list("/items", "1", Map.of(), 3)).extracting(item -> item.get("name").asText())
                .containsExactly("a", "b", "c");
        assertThat(calls).as("the third page is not needed").hasSize(2);

        calls.clear();
        assertThat(client.list("/items", "1", Map.of(), 1)).hasSize(1);
        assertThat(client.list("/items", "1", Map.of(), Integer.MAX_VALUE)).hasSize(4);
        assertThatThrownBy(() -> client.list("/items", "1", Map.of(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void aLinkThatLeadsBackIsNotFollowedForever() {
        lastLink = base() + "/items?api-version=1&$skipToken=2";
        JsonNode list = client.get("/items", "1");
        assertThat(list.get("value")).hasSize(3);
        assertThat(calls).hasSize(2);
    }

    @Test
    void aNextPageOnAnotherServerIsNotFetchedWithTheToken() {
        lastLink = "http://127.0.0.2:" + server.getAddress().getPort() + "/items?api-version=1&$skipToken=3";
        assertThatThrownBy(() -> client.get("/items", "1")).isInstanceOfSatisfying(AmliteException.class,
                e -> assertThat(e.code()).isEqualTo("UnexpectedNextLink")).hasMessageContaining("127.0.0.2")
                .hasMessageContaining("not followed");
        assertThat(calls).hasSize(2);
    }

    @Test
    void otherAnswersAreLeftAsTheyCame() {
        ArmClient.Response response = client.send("POST", "/items", "1", Map.of(), null);
        assertThat(response.body().has("nextLink")).as("only GETs are lists to follow").isTrue();
        assertThat(calls).hasSize(1);
    }
}
