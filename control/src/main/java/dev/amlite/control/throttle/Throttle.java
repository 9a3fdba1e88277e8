package dev.amlite.control.throttle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import static java.util.Objects.requireNonNull;

/** ARM-style throttling: one bucket per principal for reads and one for writes and deletes. */
public final class Throttle {
    private final ThrottleLimits limits;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, TokenBucket> reads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TokenBucket> writes = new ConcurrentHashMap<>();

    public Throttle(ThrottleLimits limits, LongSupplier nanoTime) {
        this.limits = requireNonNull(limits, "limits is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The outcome for one request: allowed with tokens left, or refused with the seconds to wait. */
    public record Decision(boolean allowed, long remaining, long retryAfterSeconds) {
    }

    public Decision take(String principalId, boolean isRead) {
        long now = nanoTime.getAsLong();
        TokenBucket bucket = isRead
                ? reads.computeIfAbsent(principalId, key -> new TokenBucket(limits.readBurst(), limits.readsPerSecond(), now))
                : writes.computeIfAbsent(principalId, key -> new TokenBucket(limits.writeBurst(), limits.writesPerSecond(), now));
        long result = bucket.tryTake(now);
        if (result >= 0) {
            return new Decision(true, result, 0);
        }
        long waitSeconds = Math.max(1, (long) Math.ceil(-result / 1_000_000_000d));
        return new Decision(false, 0, waitSeconds);
    }

    public ThrottleLimits limits() {
        return limits;
    }
}
