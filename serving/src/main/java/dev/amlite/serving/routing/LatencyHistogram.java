package dev.amlite.serving.routing;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in logarithmic buckets (5 % wide, 10 µs to about 10 minutes): lock-free to record from many request
 * threads, percentiles accurate to the bucket width, fixed memory however many requests a deployment serves.
 */
public final class LatencyHistogram {
    private static final double GROWTH = 1.05;
    private static final long SMALLEST_NANOS = 10_000;
    private static final int BUCKETS = 380;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    static int bucket(long nanos) {
        if (nanos <= SMALLEST_NANOS) {
            return 0;
        }
        int index = (int) Math.ceil(Math.log((double) nanos / SMALLEST_NANOS) / Math.log(GROWTH));
        return Math.min(BUCKETS - 1, index);
    }

    /** The upper bound of a bucket, in nanoseconds. */
    static double upper(int bucket) {
        return SMALLEST_NANOS * Math.pow(GROWTH, bucket);
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The latency below which {@code quantile} (0..1) of recorded requests fell, in milliseconds; 0 if none. */
    public double percentileMillis(double quantile) {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank && snapshot[i] > 0) {
                return upper(i) / 1e6;
            }
        }
        return upper(BUCKETS - 1) / 1e6;
    }
}
