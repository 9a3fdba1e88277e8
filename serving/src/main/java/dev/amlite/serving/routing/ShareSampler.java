package dev.amlite.serving.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks exactly {@code percent} requests in every 100 (mirroring, EP-6), spread evenly: request k is taken when
 * floor((k+1)·p/100) passes floor(k·p/100). Lock-free; the count is the only state.
 */
public final class ShareSampler {
    private final int percent;
    private final AtomicLong count = new AtomicLong();

    public ShareSampler(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100, not " + percent);
        }
        this.percent = percent;
    }

    public int percent() {
        return percent;
    }

    public boolean take() {
        if (percent == 0) {
            return false;
        }
        long k = count.getAndIncrement();
        return (k + 1) * percent / 100 > k * percent / 100;
    }
}
