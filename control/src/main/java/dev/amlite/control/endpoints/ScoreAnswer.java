package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.nio.charset.StandardCharsets;

/** The router's answer to one scoring request, and the deployment that gave it (null when none did). */
record ScoreAnswer(int status, String contentType, byte[] body, String deployment) {
    static final String JSON = "application/json";

    /** An answer amlite makes itself: {"error": {"code", "message"}} as Azure's scoring front end does. */
    static ScoreAnswer error(int status, String code, String message, String deployment) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", code).put("message", message);
        return new ScoreAnswer(status, JSON, Json.write(body).getBytes(StandardCharsets.UTF_8), deployment);
    }
}
