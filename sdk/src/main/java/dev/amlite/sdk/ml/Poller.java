package dev.amlite.sdk.ml;

import java.util.function.Supplier;

/**
 * A long-running call, as the Azure SDK's {@code SyncPoller}: {@code begin…} methods return one, and
 * {@link #waitForCompletion()} returns the final value. amlite finishes workspace operations within the request,
 * so most pollers are done when they are returned; callers should not depend on that.
 */
public final class Poller<T> {
    private final Supplier<T> result;
    private T value;

    Poller(Supplier<T> result) {
        this.result = result;
    }

    public T waitForCompletion() {
        if (value == null) {
            value = result.get();
        }
        return value;
    }

    public T getFinalResult() {
        return waitForCompletion();
    }
}
