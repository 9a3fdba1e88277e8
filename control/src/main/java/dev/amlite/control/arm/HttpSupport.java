package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/** Reading bounded request bodies and writing JSON answers; shared by every HTTP service of the control plane. */
public final class HttpSupport {
    public static final HeaderName AUTHORIZATION = HeaderNames.AUTHORIZATION;
    public static final HeaderName CORRELATION_ID = HeaderNames.create("x-ms-correlation-request-id");
    private static final String JSON = "application/json; charset=utf-8";

    private HttpSupport() {
    }

    public static String baseUrl(ServerRequest request) {
        return (request.isSecure() ? "https" : "http") + "://" + request.authority();
    }

    /** The peer's IP address as text ("127.0.0.1", "::1"). */
    public static String clientAddress(ServerRequest request) {
        java.net.SocketAddress address = request.remotePeer().address();
        if (address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    public static Map<String, String> query(ServerRequest request) {
        Map<String, String> values = new HashMap<>();
        for (String name : request.query().names()) {
            values.put(name, request.query().get(name));
        }
        return values;
    }

    /** Refuses a declared body over the limit before reading any of it. */
    public static void checkContentLength(ServerRequest request, long limit) {
        OptionalLong length = request.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > limit) {
            throw tooLarge(length.getAsLong(), limit);
        }
    }

    private static ArmException tooLarge(long size, long limit) {
        return new ArmException(ErrorCode.RequestEntityTooLarge, "The request content is " + size
                + " bytes; management requests may carry at most " + limit + " bytes (" + (limit / 1024 / 1024)
                + " MiB).");
    }

    /** Reads the body (at most {@code limit} bytes, even without a Content-Length) as JSON; null when empty. */
    public static JsonNode readJson(ServerRequest request, long limit) {
        String text = readText(request, limit);
        if (text == null || text.isBlank()) {
            return null;
        }
        return Json.parse(text);
    }

    public static String readText(ServerRequest request, long limit) {
        if (!request.content().hasEntity()) {
            return null;
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(bytes.length, limit);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void send(ServerResponse response, ArmResponse answer, boolean headOnly) {
        response.status(Status.create(answer.status()));
        answer.headers().forEach(response::header);
        if (answer.body() == null || headOnly) {
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.send(Json.bytes(answer.body()));
    }

    public static void sendJson(ServerResponse response, int status, Object body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(Json.bytes(body));
    }
}
