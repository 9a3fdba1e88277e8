package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import dev.amlite.server.AmliteServer;
import dev.amlite.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real amlite server in this JVM: random port, temporary data directory, TLS with its self-signed certificate. */
final class TestServer implements AutoCloseable {
    static final String ADMIN_PASSWORD = "Admin-pa55word-for-tests";
    private final AmliteServer server;
    private final Path dataDirectory;
    private final HttpClient http;

    private TestServer(AmliteServer server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        this.http = server.certificate().isPresent() ? HttpTransport.client(server.certificate().get())
                : HttpClient.newHttpClient();
    }

    static TestServer start(Path dataDirectory, String... extraArguments) throws Exception {
        Files.createDirectories(dataDirectory);
        Path passwordFile = dataDirectory.resolveSibling(dataDirectory.getFileName() + "-admin-password");
        Files.writeString(passwordFile, ADMIN_PASSWORD + "\n");
        List<String> arguments = new ArrayList<>(List.of("--data-dir", dataDirectory.toString(), "--port", "0",
                "--admin-password-file", passwordFile.toString()));
        arguments.addAll(List.of(extraArguments));
        return new TestServer(AmliteServer.start(ServerOptions.parse(arguments, dataDirectory)), dataDirectory);
    }

    String url() {
        return server.url();
    }

    /** The scoring port's base URL (online endpoints' scoring_uri start with it). */
    String scoringUrl() {
        return server.url().replaceFirst(":\\d+$", ":" + server.inferencePort().orElseThrow());
    }

    /** The server's computes, whose schedule tick a test runs at a time of its choosing. */
    dev.amlite.control.compute.Computes computes() {
        return server.controlPlane().computes();
    }

    /** An HTTP client that trusts this server's certificate. */
    HttpClient http() {
        return http;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    String subscriptionId() {
        return server.bootstrap().subscriptionId();
    }

    String tenantId() {
        return server.bootstrap().tenantId();
    }

    /** A raw HTTP answer. */
    record Answer(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String code() {
            return body == null ? null : body.path("error").path("code").asText(null);
        }

        String message() {
            return body == null ? null : body.path("error").path("message").asText(null);
        }
    }

    String token(String username, String password) throws Exception {
        Answer answer = form("/organizations/oauth2/v2.0/token", "grant_type=password&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8));
        if (answer.status() != 200) {
            throw new IllegalStateException("Login of " + username + " failed: " + answer.body());
        }
        return answer.body().path("access_token").asText();
    }

    String adminToken() throws Exception {
        return token("admin", ADMIN_PASSWORD);
    }

    Answer form(String path, String form) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    Answer call(String method, String pathAndQuery, String token, String body) throws IOException, InterruptedException {
        return call(method, pathAndQuery, token, body, java.util.Map.of());
    }

    /** A call on a connection of its own (HTTP/1.1, not one shared HTTP/2 connection), as separate clients make. */
    Answer callAlone(String method, String pathAndQuery, String token, String body) throws Exception {
        return callAlone(method, pathAndQuery, token, body, java.util.Map.of());
    }

    /** {@link #callAlone(String, String, String, String)} with extra headers (If-None-Match). */
    Answer callAlone(String method, String pathAndQuery, String token, String body,
                     java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        try (HttpClient alone = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(server.certificate().isPresent()
                        ? HttpTransport.trusting(server.certificate().get()) : javax.net.ssl.SSLContext.getDefault())
                .build()) {
            return answer(alone.send(request, HttpResponse.BodyHandlers.ofString()));
        }
    }

    /** A call with extra headers (If-Match, If-None-Match). */
    Answer call(String method, String pathAndQuery, String token, String body, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url() + pathAndQuery));
        headers.forEach(builder::header);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return answer(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
    }

    Answer call(String method, String pathAndQuery, String token, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode body = response.body() == null || response.body().isBlank() ? null : Json.parse(response.body());
        return new Answer(response.statusCode(), body, response.headers());
    }

    @Override
    public void close() {
        server.close();
    }
}
