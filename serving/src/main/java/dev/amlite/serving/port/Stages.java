package dev.amlite.serving.port;

import java.util.concurrent.CompletionException;

/** What the scoring path's asynchronous stages share. */
public final class Stages {
    private Stages() {
    }

    /**
     * The failure a stage's callback was given, without the {@link CompletionException} a dependent stage wraps
     * around it: the exception that says what went wrong (a timeout, a body too large), for the answer to name.
     */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
