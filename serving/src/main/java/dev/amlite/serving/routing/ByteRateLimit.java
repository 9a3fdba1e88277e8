package dev.amlite.serving.routing;

import java.util.function.LongSupplier;

/**
 * An endpoint's bandwidth quota (EP-6: 5 MB/s by default): a token bucket of bytes refilled continuously. Request
 * bytes are taken on admission, response bytes after the answer, so a burst of large answers throttles the
 * requests that follow it (429) until the bucket refills.
 */
public final class ByteRateLimit {
    private final double bytesPerNano;
    private final double capacity;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    public ByteRateLimit(long bytesPerSecond, long burstBytes, LongSupplier nanoTime) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.capacity = Math.max(bytesPerSecond, burstBytes);
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.last = nanoTime.getAsLong();
    }

    /** Takes {@code bytes} if the bucket is not in debt; false means throttle the request. */
    public synchronized boolean tryTake(long bytes) {
        refill();
        if (tokens <= 0) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** Charges bytes already sent (an answer); may leave the bucket in debt. */
    public synchronized void charge(long bytes) {
        refill();
        tokens -= bytes;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * bytesPerNano);
        last = now;
    }
}
