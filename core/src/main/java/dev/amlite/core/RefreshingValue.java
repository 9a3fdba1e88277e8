package dev.amlite.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import static java.util.Objects.requireNonNull;

/**
 * A value loaded from the store and kept for a while (RBAC and policy snapshots). After {@link #invalidate()}
 * callers wait for a fresh load, so this server's own writes apply to the next request. When the value is merely
 * old (the periodic refresh that picks up other servers' writes), one caller reloads while the others keep
 * using the old value: a refresh never stalls every request at once.
 */
public final class RefreshingValue<T> {
    private record Loaded<T>(T value, Instant loadedAt) {
    }

    private final Supplier<T> loader;
    private final Clock clock;
    private final Duration maxAge;
    private final ReentrantLock loading = new ReentrantLock();
    private final AtomicLong generation = new AtomicLong();
    private volatile Loaded<T> current;

    public RefreshingValue(Supplier<T> loader, Clock clock, Duration maxAge) {
        this.loader = requireNonNull(loader, "loader is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxAge = requireNonNull(maxAge, "maxAge is null");
    }

    public void invalidate() {
        generation.incrementAndGet();
        current = null;
    }

    public T get() {
        Loaded<T> seen = current;
        if (seen != null && !isOld(seen)) {
            return seen.value();
        }
        if (seen != null) {
            if (!loading.tryLock()) {
                return seen.value();
            }
        } else {
            loading.lock();
        }
        try {
            Loaded<T> latest = current;
            if (latest != null && !isOld(latest)) {
                return latest.value();
            }
            long started = generation.get();
            Loaded<T> fresh = new Loaded<>(loader.get(), clock.instant());
            // An invalidation during the load may have raced the write it announces: the result serves this
            // caller only, and the next one loads again.
            if (generation.get() == started) {
                current = fresh;
            }
            return fresh.value();
        } finally {
            loading.unlock();
        }
    }

    private boolean isOld(Loaded<T> loaded) {
        return loaded.loadedAt().plus(maxAge).isBefore(clock.instant());
    }
}
