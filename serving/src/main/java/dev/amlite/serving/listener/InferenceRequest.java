package dev.amlite.serving.listener;

import java.io.IOException;

/**
 * One HTTP request as a scoring handler sees it: the head is parsed, the body is read only when asked for, so a
 * request refused on its headers (no key, unknown endpoint) costs no read of its body.
 */
public interface InferenceRequest {
    String method();

    /** The path, without the query. */
    String path();

    /** The first value of the header {@code name} (any case), or null. */
    String header(String name);

    /** The declared Content-Length, or -1 when the body is chunked or there is none. */
    long declaredLength();

    /**
     * The whole body. More than {@code max} bytes: {@link BodyTooLargeException}, and the connection is closed
     * after the answer (the rest of the body is not read).
     */
    byte[] body(long max) throws IOException;

    /** The client's IP address. */
    String clientAddress();
}
