package dev.amlite.serving.listener;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The bytes amlite's HTTP/1.1 servers write by hand: a response head, and the JSON error body every refusal has. */
public final class HttpWire {
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"), Map.entry(201, "Created"),
            Map.entry(202, "Accepted"), Map.entry(204, "No Content"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"),
            Map.entry(417, "Expectation Failed"), Map.entry(422, "Unprocessable Content"),
            Map.entry(424, "Failed Dependency"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

    /** The interim answer to {@code Expect: 100-continue}. */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private HttpWire() {
    }

    /** Status line and headers, with Content-Length, and {@code Connection: close} unless {@code keep}. */
    public static byte[] head(int status, Map<String, String> headers, int contentLength, boolean keep) {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Status")).append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(contentLength).append("\r\n");
        if (!keep) {
            head.append("Connection: close\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A whole error answer (head and JSON body) after which the connection closes. */
    public static byte[] errorAnswer(int status, String code, String message) {
        byte[] body = errorJson(code, message);
        byte[] head = head(status, Map.of("Content-Type", "application/json"), body.length, false);
        byte[] whole = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    /** The answer to a connection over a server's limit of {@code max} open connections. */
    public static byte[] tooManyConnections(int max) {
        return errorAnswer(503, "TooManyConnections", "The inference port has " + max + " open connections, its "
                + "limit. Reuse connections (keep-alive) or retry later.");
    }

    /** The answer when a handler failed instead of answering. */
    public static InferenceReply internalError(Throwable cause) {
        return new InferenceReply(500, Map.of("Content-Type", "application/json"), errorJson("InternalError",
                "The router failed on this request: " + cause));
    }

    /** {"error": {"code", "message"}}, the shape of every error the scoring front end gives. */
    public static byte[] errorJson(String code, String message) {
        return ("{\"error\": {\"code\": " + JsonText.quote(code) + ", \"message\": " + JsonText.quote(message) + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
