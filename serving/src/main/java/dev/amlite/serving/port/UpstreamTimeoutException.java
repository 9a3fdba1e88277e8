package dev.amlite.serving.port;

import java.io.IOException;

/** The instance did not answer before the request's deadline; the connection was closed. */
public final class UpstreamTimeoutException extends IOException {
    public UpstreamTimeoutException(String message) {
        super(message);
    }
}
