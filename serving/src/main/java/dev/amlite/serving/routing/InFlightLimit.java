package dev.amlite.serving.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests a deployment holds at once. Azure answers 429 when more than
 * 2 × max_concurrent_requests_per_instance × instance_count are in flight; the limit follows the instance count
 * as it scales, so it is read at each admission rather than fixed.
 */
public final class InFlightLimit {
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Admits a request when fewer than {@code limit} are in flight; the caller must {@link #release()} it. */
    public boolean tryAcquire(int limit) {
        while (true) {
            int now = inFlight.get();
            if (now >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
