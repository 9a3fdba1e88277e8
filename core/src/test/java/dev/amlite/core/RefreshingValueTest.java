package dev.amlite.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class RefreshingValueTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Counts loads and holds the load numbered {@code gated} until released. */
    static final class GatedLoader implements java.util.function.Supplier<Integer> {
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final int gated;

        GatedLoader(int gated) {
            this.gated = gated;
        }

        @Override
        public Integer get() {
            int number = loads.incrementAndGet();
            if (number == gated) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return number;
        }
    }

    @Test
    void loadsOnceUntilOldThenAgain() {
        ManualClock clock = new ManualClock();
        AtomicInteger loads = new AtomicInteger();
        RefreshingValue<Integer> value = new RefreshingValue<>(loads::incrementAndGet, clock, Duration.ofSeconds(5));
        assertThat(value.get()).isEqualTo(1);
        assertThat(value.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(value.get()).isEqualTo(2);
        assertThat(loads).hasValue(2);
    }

    @Test
    void invalidateMakesTheNextCallerLoad() {
        AtomicInteger loads = new AtomicInteger();
        RefreshingValue<Integer> value = new RefreshingValue<>(loads::incrementAndGet, new ManualClock(), Duration.ofHours(1));
        value.get();
        value.invalidate();
        assertThat(value.get()).isEqualTo(2);
    }

    @Test
    void whileOneCallerRefreshesAnOldValueOthersGetTheOldOneAtOnce() throws Exception {
        ManualClock clock = new ManualClock();
        GatedLoader loader = new GatedLoader(2);
        RefreshingValue<Integer> value = new RefreshingValue<>(loader, clock, Duration.ofSeconds(5));
        assertThat(value.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        Thread refresher = Thread.ofVirtual().start(value::get);
        assertThat(loader.entered.await(10, TimeUnit.SECONDS)).isTrue();
        // The refresh is blocked in the loader: other callers are answered from the old value, without loading.
        assertThat(value.get()).isEqualTo(1);
        assertThat(loader.loads).hasValue(2);
        loader.release.countDown();
        refresher.join(10_000);
        assertThat(value.get()).isEqualTo(2);
    }

    @Test
    void aLoadRacingAnInvalidationIsNotKept() throws Exception {
        GatedLoader loader = new GatedLoader(1);
        RefreshingValue<Integer> value = new RefreshingValue<>(loader, new ManualClock(), Duration.ofHours(1));
        Thread first = Thread.ofVirtual().start(value::get);
        assertThat(loader.entered.await(10, TimeUnit.SECONDS)).isTrue();
        value.invalidate();          // a write landed while load 1 was reading
        loader.release.countDown();
        first.join(10_000);
        assertThat(value.get()).as("load 1 may predate the write, so it is not kept").isEqualTo(2);
    }
}
