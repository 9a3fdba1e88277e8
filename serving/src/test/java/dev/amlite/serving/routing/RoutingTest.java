package dev.amlite.serving.routing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingTest {
    @Test
    void everyHundredConsecutiveRequestsSplitExactly() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("blue", 90);
        weights.put("green", 7);
        weights.put("red", 3);
        weights.put("off", 0);
        WeightedSplit split = new WeightedSplit(weights);
        for (int window = 0; window < 50; window++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                counts.merge(split.next(), 1, Integer::sum);
            }
            assertThat(counts).containsEntry("blue", 90).containsEntry("green", 7).containsEntry("red", 3)
                    .doesNotContainKey("off");
        }
    }

    @Test
    void smallSharesAreSpreadNotBunched() {
        WeightedSplit split = new WeightedSplit(Map.of("blue", 90, "green", 10));
        int longestBlueRun = 0;
        int run = 0;
        for (int i = 0; i < 1000; i++) {
            if (split.next().equals("blue")) {
                longestBlueRun = Math.max(longestBlueRun, ++run);
            } else {
                run = 0;
            }
        }
        assertThat(longestBlueRun).isEqualTo(9);
    }

    @Test
    void noTrafficMeansNoDeployment() {
        assertThat(new WeightedSplit(Map.of("blue", 0)).next()).isNull();
        assertThat(new WeightedSplit(Map.of()).isEmpty()).isTrue();
        assertThatThrownBy(() -> new WeightedSplit(Map.of("x", -1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplerTakesExactlyItsShare() {
        for (int percent : new int[] {0, 1, 10, 33, 50, 100}) {
            ShareSampler sampler = new ShareSampler(percent);
            int taken = 0;
            for (int i = 0; i < 10_000; i++) {
                taken += sampler.take() ? 1 : 0;
            }
            assertThat(taken).as("%d%%", percent).isEqualTo(percent * 100);
        }
    }

    @Test
    void inFlightLimitAdmitsUpToItsLimit() {
        InFlightLimit limit = new InFlightLimit();
        assertThat(limit.tryAcquire(2)).isTrue();
        assertThat(limit.tryAcquire(2)).isTrue();
        assertThat(limit.tryAcquire(2)).isFalse();
        limit.release();
        assertThat(limit.tryAcquire(2)).isTrue();
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void bandwidthThrottlesOnceInDebtAndRecoversWithTime() {
        AtomicLong now = new AtomicLong();
        ByteRateLimit limit = new ByteRateLimit(1000, 1000, now::get);
        assertThat(limit.tryTake(600)).isTrue();
        limit.charge(600);
        assertThat(limit.tryTake(10)).as("in debt").isFalse();
        now.addAndGet(300_000_000L);
        assertThat(limit.tryTake(10)).as("300 bytes refilled").isTrue();
    }

    @Test
    void percentilesFallInTheRightBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) {
            histogram.record(i * 1_000_000L);
        }
        assertThat(histogram.count()).isEqualTo(100);
        assertThat(histogram.percentileMillis(0.5)).isBetween(50.0, 52.5);
        assertThat(histogram.percentileMillis(0.99)).isBetween(99.0, 104.0);
        assertThat(new LatencyHistogram().percentileMillis(0.5)).isZero();
    }
}
