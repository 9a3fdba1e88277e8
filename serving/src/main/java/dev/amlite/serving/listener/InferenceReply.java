package dev.amlite.serving.listener;

import java.util.LinkedHashMap;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * A handler's answer: status, headers (Content-Type among them; Content-Length and Connection are the
 * listener's) and the body.
 */
public record InferenceReply(int status, Map<String, String> headers, byte[] body) {
    public InferenceReply {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("A final status is 200-599, not " + status);
        }
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers")));
        requireNonNull(body, "body is null");
    }
}
