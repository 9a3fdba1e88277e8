package dev.amlite.serving.port;

/** What an instance answered: status, content type (may be null) and the whole body. */
public record UpstreamResponse(int status, String contentType, byte[] body) {
}
