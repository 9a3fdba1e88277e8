package dev.amlite.serving.port;

import dev.amlite.serving.listener.InferenceReply;
import java.util.concurrent.CompletionStage;

/**
 * Answers one request of the scoring port. Called on the connection's event loop: it must not block, and what it
 * waits for (the body, an instance's answer) it waits for as a stage that completes later.
 */
@FunctionalInterface
public interface ScoringHandler {
    CompletionStage<InferenceReply> handle(ScoringRequest request);
}
