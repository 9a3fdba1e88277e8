package dev.amlite.control.throttle;

/** A token bucket refilled continuously. Thread-safe; one per principal and kind of request. */
final class TokenBucket {
    private final int capacity;
    private final double refillPerNano;
    private double tokens;
    private long lastRefillNanos;

    TokenBucket(int capacity, double refillPerSecond, long nowNanos) {
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1_000_000_000d;
        this.tokens = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes one token; returns the tokens left, or a negative number of nanoseconds to wait for the next one. */
    synchronized long tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastRefillNanos) * refillPerNano);
        lastRefillNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return (long) tokens;
        }
        return -(long) Math.ceil((1 - tokens) / refillPerNano);
    }
}
