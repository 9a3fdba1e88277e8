package dev.amlite.serving.port;

import java.util.concurrent.CompletionStage;

/**
 * One HTTP request as the scoring handler sees it: the head is parsed; the body is taken only when asked for, so a
 * request refused on its headers (no key, unknown endpoint) is answered before its body is awaited, and a client
 * that sent {@code Expect: 100-continue} is told to send it only then.
 */
public interface ScoringRequest {
    String method();

    /** The path, without the query. */
    String path();

    /** The first value of the header {@code name} (any case), or null. */
    String header(String name);

    /** The declared Content-Length, or -1 when the body is chunked. */
    long declaredLength();

    /** The client's IP address. */
    String clientAddress();

    /**
     * The whole body, once it has arrived. More than {@code max} bytes: the stage fails with
     * {@link dev.amlite.serving.listener.BodyTooLargeException}, and the connection closes after the answer; a
     * malformed or interrupted body fails it with another IOException.
     */
    CompletionStage<byte[]> body(long max);
}
