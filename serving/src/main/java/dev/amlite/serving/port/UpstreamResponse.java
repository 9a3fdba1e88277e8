package dev.amlite.serving.port;

/**
 * What an instance answered: status, content type (may be null) and the whole body. {@code modelStatus}: the status
 * is the scoring script's own (an AMLResponse, marked by the instance with {@code x-amlite-model-status}), for the
 * client as it is, not an instance's failure.
 */
public record UpstreamResponse(int status, String contentType, byte[] body, boolean modelStatus) {
}
