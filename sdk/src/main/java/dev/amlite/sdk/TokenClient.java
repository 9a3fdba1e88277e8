package dev.amlite.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Calls the server's OAuth 2.0 token endpoint. */
public final class TokenClient {
    private final HttpClient http;
    private final String endpoint;

    public TokenClient(HttpClient http, String endpoint) {
        this.http = http;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    /** The tokens of one grant: the access token, and a refresh token when the grant gives one. */
    public record Tokens(AccessToken access, String refreshToken) {
    }

    public Tokens password(String tenant, String username, String password) {
        return grant(tenant, Map.of("grant_type", "password", "username", username, "password", password));
    }

    public Tokens clientCredentials(String tenant, String clientId, String clientSecret) {
        return grant(tenant, Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", clientSecret, "scope", "https://management.azure.com/.default"));
    }

    public Tokens refresh(String tenant, String refreshToken) {
        return grant(tenant, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private Tokens grant(String tenant, Map<String, String> fields) {
        Map<String, String> ordered = new LinkedHashMap<>(fields);
        String form = ordered.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/" + (tenant == null ? "organizations" : tenant)
                        + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ArmClient.unreachable(endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
        JsonNode body = response.body().isBlank() ? Json.object() : Json.parse(response.body());
        if (response.statusCode() != 200) {
            throw new AmliteException(response.statusCode(), body.path("error").asText("token_error"),
                    body.path("error_description").asText("The token request failed with HTTP " + response.statusCode()), body);
        }
        AccessToken access = new AccessToken(body.path("access_token").asText(),
                Instant.ofEpochSecond(body.path("expires_on").asLong(Instant.now().getEpochSecond() + body.path("expires_in").asLong())));
        return new Tokens(access, body.path("refresh_token").asText(null));
    }
}
