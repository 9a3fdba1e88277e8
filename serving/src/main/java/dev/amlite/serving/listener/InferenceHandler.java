package dev.amlite.serving.listener;

/** Answers one request; called on the connection's own thread, so it may block. */
@FunctionalInterface
public interface InferenceHandler {
    InferenceReply handle(InferenceRequest request);
}
