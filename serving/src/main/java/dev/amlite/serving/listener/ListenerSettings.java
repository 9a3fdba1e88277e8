package dev.amlite.serving.listener;

import java.time.Duration;
import static java.util.Objects.requireNonNull;

/**
 * How the inference listener binds and what it tolerates.
 *
 * @param host           the address to bind
 * @param port           the port (0 picks a free one)
 * @param maxConnections open client connections at once; one more is answered 503 and closed
 * @param maxHead        bytes of request line and headers (431 beyond)
 * @param idleTimeout    how long a kept-alive connection may wait for its next request
 * @param readTimeout    how long a request may take to arrive once it started (head and body)
 */
public record ListenerSettings(String host, int port, int maxConnections, int maxHead, Duration idleTimeout,
                               Duration readTimeout) {
    public ListenerSettings {
        requireNonNull(host, "host is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(readTimeout, "readTimeout is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("A port is 0-65535, not " + port);
        }
        if (maxConnections < 1 || maxHead < 1024) {
            throw new IllegalArgumentException("maxConnections must be at least 1 and maxHead at least 1024");
        }
    }

    public static ListenerSettings defaults(String host, int port) {
        return new ListenerSettings(host, port, 4096, 64 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(30));
    }
}
