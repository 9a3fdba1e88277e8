package dev.amlite.serving.listener;

import java.util.LinkedHashMap;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * A handler's answer: status, headers (Content-Type among them; Content-Length and Connection are the
 * listener's), the body, and work to run once the answer is written (or could not be): the router sends a
 * mirrored copy there, so that the shadow's work never overlaps the client's own request.
 */
public record InferenceReply(int status, Map<String, String> headers, byte[] body, Runnable afterward) {
    /** No work after the answer. */
    public static final Runnable NOTHING = () -> { };

    public InferenceReply {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("A final status is 200-599, not " + status);
        }
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers")));
        requireNonNull(body, "body is null");
        requireNonNull(afterward, "afterward is null");
    }

    public InferenceReply(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, NOTHING);
    }
}
