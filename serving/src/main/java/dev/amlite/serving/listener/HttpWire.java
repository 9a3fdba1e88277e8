package dev.amlite.serving.listener;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The bytes amlite's HTTP/1.1 servers write by hand: a response head, and the JSON error body every refusal has. */
public final class HttpWire {
    /** The interim answer to {@code Expect: 100-continue}. */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private HttpWire() {
    }

    /** Status line and headers, with Content-Length, and {@code Connection: close} unless {@code keep}. */
    public static byte[] head(int status, Map<String, String> headers, int contentLength, boolean keep) {
        return appendHead(new StringBuilder(160), status, headers, contentLength, keep).toString()
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The same head appended to {@code out} (returned), for a server that writes it straight into its own buffer
     * (ISO-8859-1) rather than through a String and a byte array on every answer.
     */
    public static StringBuilder appendHead(StringBuilder out, int status, Map<String, String> headers,
                                           int contentLength, boolean keep) {
        out.append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            out.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        out.append("Content-Length: ").append(contentLength).append("\r\n");
        if (!keep) {
            out.append("Connection: close\r\n");
        }
        return out.append("\r\n");
    }

    /** The reason phrase of {@code status} (a switch: a map of Integer would box 200 on every answer). */
    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 424 -> "Failed Dependency";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
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
