package dev.amlite.sdk;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer from the server: the HTTP status and ARM's error code and message (or OAuth's
 * {@code error}/{@code error_description} for token calls).
 */
public final class AmliteException extends RuntimeException {
    private final int status;
    private final String code;
    private final JsonNode body;

    public AmliteException(int status, String code, String message, JsonNode body) {
        super(message);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The full error body as the server sent it (ARM's {@code error} object with details, when present). */
    public JsonNode body() {
        return body;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
