package dev.amlite.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import static java.util.Objects.requireNonNull;

/**
 * The HTTP client of the ARM API: adds the bearer token and api-version, turns error answers into
 * {@link AmliteException}, retries throttled calls after {@code Retry-After}, and follows long-running
 * operations to their end. The CLI and the typed SDK clients are built on it.
 */
public final class ArmClient {
    private static final int MAX_THROTTLE_RETRIES = 3;
    private final HttpClient http;
    private final String endpoint;
    private final TokenCredential credential;
    private final Consumer<String> debug;

    public ArmClient(HttpClient http, String endpoint, TokenCredential credential, Consumer<String> debug) {
        this.http = requireNonNull(http, "http is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null").replaceAll("/+$", "");
        this.credential = requireNonNull(credential, "credential is null");
        this.debug = debug == null ? line -> { } : debug;
    }

    /** A raw answer: status, headers and parsed JSON body (null when empty). */
    public record Response(int status, Map<String, List<String>> headers, JsonNode body) {
        public Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return Optional.of(entry.getValue().getFirst());
                }
            }
            return Optional.empty();
        }
    }

    public String endpoint() {
        return endpoint;
    }

    /** The HTTP client, for data-plane transfers that trust the same certificates. */
    public HttpClient http() {
        return http;
    }

    public JsonNode get(String path, String apiVersion) {
        return send("GET", path, apiVersion, Map.of(), null).body();
    }

    public Response send(String method, String path, String apiVersion, Map<String, String> query, JsonNode body) {
        return send(method, path, apiVersion, query, body, Map.of());
    }

    /** A request with extra headers, such as {@code If-None-Match: *} for a create that must not replace. */
    public Response send(String method, String path, String apiVersion, Map<String, String> query, JsonNode body,
                         Map<String, String> headers) {
        return sendUrl(method, url(path, apiVersion, query), body, headers);
    }

    /** Sends to an absolute URL (as given in Location headers) or a path on the endpoint. */
    public Response sendUrl(String method, String url, JsonNode body) {
        return sendUrl(method, url, body, Map.of());
    }

    private Response sendUrl(String method, String url, JsonNode body, Map<String, String> headers) {
        Response response = sendOnce(method, url, body, headers);
        return method.equals("GET") ? withPages(response, headers, Integer.MAX_VALUE) : response;
    }

    /**
     * The first {@code atMost} items of a list, in the server's order. Fewer than all are asked for with
     * {@code $top} (lists that take it make only those; the others ignore it), and pages are fetched only while
     * fewer have come, so a short look at a long list (a CLI's {@code --max-results}) costs the pages it shows.
     */
    public List<JsonNode> list(String path, String apiVersion, Map<String, String> query, int atMost) {
        if (atMost < 1) {
            throw new IllegalArgumentException("atMost must be at least 1; " + atMost + " was given");
        }
        Map<String, String> parameters = new LinkedHashMap<>(query);
        if (atMost < Integer.MAX_VALUE) {
            parameters.put("$top", Integer.toString(atMost));
        }
        Response first = sendOnce("GET", url(path, apiVersion, parameters), null, Map.of());
        List<JsonNode> items = new ArrayList<>();
        withPages(first, Map.of(), atMost).body().path("value").forEach(items::add);
        return items.size() > atMost ? List.copyOf(items.subList(0, atMost)) : items;
    }

    /**
     * A list answered in pages, as one: the pages its nextLink leads to are fetched and their items appended until
     * {@code wanted} items have come (every caller but {@link #list} wants the whole list). A link already followed
     * ends it (a server repeating itself).
     */
    private Response withPages(Response first, Map<String, String> headers, int wanted) {
        JsonNode body = first.body();
        if (body == null || !body.path("value").isArray() || !body.path("nextLink").isTextual()) {
            return first;
        }
        ObjectNode whole = ((ObjectNode) body).deepCopy();
        ArrayNode items = (ArrayNode) whole.get("value");
        Set<String> followed = new HashSet<>();
        String next = body.get("nextLink").asText();
        while (!next.isEmpty() && items.size() < wanted && followed.add(next)) {
            checkSameServer(next);
            debug.accept("Following nextLink to the list's next page (" + items.size() + " items so far)");
            JsonNode page = sendOnce("GET", next, null, headers).body();
            if (page == null || !page.path("value").isArray()) {
                break;
            }
            items.addAll((ArrayNode) page.get("value"));
            next = page.path("nextLink").asText("");
        }
        whole.remove("nextLink");
        return new Response(first.status(), first.headers(), whole);
    }

    /** The bearer token goes only where this client was pointed: a link elsewhere is not followed. */
    private void checkSameServer(String link) {
        URI target = URI.create(link);
        URI home = URI.create(endpoint);
        boolean same = target.getScheme() != null && target.getScheme().equalsIgnoreCase(home.getScheme())
                && target.getHost() != null && target.getHost().equalsIgnoreCase(home.getHost())
                && port(target) == port(home);
        if (!same) {
            throw new AmliteException(0, "UnexpectedNextLink", "The list's next page is on another server ("
                    + target.getScheme() + "://" + target.getAuthority() + ", not " + home.getScheme() + "://"
                    + home.getAuthority() + "); it was not followed, so that the token is not sent there.", null);
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private Response sendOnce(String method, String url, JsonNode body, Map<String, String> headers) {
        for (int attempt = 0; ; attempt++) {
            Response response = once(method, url, body, headers);
            if (response.status() == 429 && attempt < MAX_THROTTLE_RETRIES) {
                long wait = response.header("Retry-After").map(Long::parseLong).orElse(1L);
                debug.accept("Throttled; retrying after " + wait + " s");
                sleep(Duration.ofSeconds(Math.min(wait, 30)));
                continue;
            }
            if (response.status() >= 400) {
                throw error(response);
            }
            return response;
        }
    }

    private Response once(String method, String url, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + credential.getToken().token())
                .header("Accept", "application/json")
                .header("User-Agent", "amlite-sdk-java/0.1");
        headers.forEach(builder::header);
        if (body != null) {
            builder.header("Content-Type", "application/json");
            builder.method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            builder.method(method, HttpRequest.BodyPublishers.ofString(""));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        debug.accept("Request: " + method + " " + url);
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
        debug.accept("Response: " + response.statusCode() + " " + response.headers().firstValue("x-ms-request-id").orElse(""));
        JsonNode parsed = response.body() == null || response.body().isBlank() ? null : Json.parse(response.body());
        return new Response(response.statusCode(), response.headers().map(), parsed);
    }

    /**
     * Follows a long-running operation started by {@code started} (201/202 with Azure-AsyncOperation or
     * Location) until it ends, calling {@code progress} on every poll. Failed operations throw their error.
     */
    public Response waitForCompletion(Response started, Runnable progress) {
        Optional<String> status = started.header("Azure-AsyncOperation");
        Optional<String> location = started.header("Location");
        // As azure-core: an Azure-AsyncOperation header is followed whatever the 2xx (an update answers 200 and
        // still runs behind it); a Location alone only on 201/202.
        boolean accepted = started.status() == 201 || started.status() == 202;
        if (started.status() / 100 != 2 || status.isEmpty() && (location.isEmpty() || !accepted)) {
            return started;
        }
        Duration interval = started.header("Retry-After").map(s -> Duration.ofSeconds(Long.parseLong(s)))
                .orElse(Duration.ofSeconds(1));
        interval = interval.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : interval;
        boolean first = true;
        while (true) {
            // A 200 may already be done (work finished within the request): look once before waiting.
            if (!first || started.status() != 200) {
                sleep(interval.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : Duration.ofMillis(250));
            }
            first = false;
            progress.run();
            if (status.isPresent()) {
                JsonNode operation = sendUrl("GET", status.get(), null).body();
                String state = operation.path("status").asText();
                if (state.equals("Succeeded")) {
                    return location.isPresent() ? sendUrl("GET", location.get(), null) : new Response(200, Map.of(), operation);
                }
                if (state.equals("Failed") || state.equals("Canceled")) {
                    JsonNode error = operation.path("error");
                    throw new AmliteException(500, error.path("code").asText(state), error.path("message")
                            .asText("The operation " + state.toLowerCase() + "."), operation);
                }
            } else {
                Response polled = sendUrl("GET", location.get(), null);
                if (polled.status() != 202) {
                    return polled;
                }
            }
        }
    }

    private String url(String path, String apiVersion, Map<String, String> query) {
        Map<String, String> parameters = new LinkedHashMap<>(query);
        if (apiVersion != null) {
            parameters.put("api-version", apiVersion);
        }
        return url(path, parameters);
    }

    private String url(String path, Map<String, String> query) {
        StringBuilder url = new StringBuilder(endpoint).append(encodePath(path));
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            url.append(separator).append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
            separator = '&';
        }
        return url.toString();
    }

    /** Percent-encodes each path segment (names may hold characters the server must see and refuse). */
    static String encodePath(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (!encoded.isEmpty() || path.startsWith("/")) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String result = encoded.toString();
        return result.startsWith("//") ? result.substring(1) : result;
    }

    static AmliteException error(Response response) {
        JsonNode body = response.body();
        JsonNode error = body == null ? null : body.path("error");
        if (error != null && error.isObject()) {
            return new AmliteException(response.status(), error.path("code").asText("Error"),
                    error.path("message").asText(""), body);
        }
        return new AmliteException(response.status(), "HttpError" + response.status(),
                "The server answered HTTP " + response.status() + ".", body);
    }

    static RuntimeException unreachable(String url, IOException e) {
        if (e instanceof SSLHandshakeException) {
            return new AmliteException(0, "CertificateNotTrusted", "The server's TLS certificate is not trusted ("
                    + e.getMessage() + "). Log in again with --ca-file pointing at the server's certificate "
                    + "(the server prints its path at start).", null);
        }
        if (e instanceof ConnectException) {
            return new AmliteException(0, "ServerUnreachable", "Cannot connect to " + url.replaceAll("\\?.*", "")
                    + ": is the amlite server running? Start it with './amlite up'.", null);
        }
        return new AmliteException(0, "TransportError", "The request to " + url.replaceAll("\\?.*", "")
                + " failed: " + e, null);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
