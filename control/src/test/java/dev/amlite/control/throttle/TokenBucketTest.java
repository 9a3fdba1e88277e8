package dev.amlite.control.throttle;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    @Test
    void burstThenRefillAtTheRate() {
        AtomicLong now = new AtomicLong(0);
        Throttle throttle = new Throttle(new ThrottleLimits(3, 2, 1, 1), now::get);
        assertThat(throttle.take("p", true).allowed()).isTrue();
        assertThat(throttle.take("p", true).allowed()).isTrue();
        assertThat(throttle.take("p", true).remaining()).isEqualTo(0);
        Throttle.Decision refused = throttle.take("p", true);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(throttle.take("other", true).allowed()).as("buckets are per principal").isTrue();
        assertThat(throttle.take("p", false).allowed()).as("writes have their own bucket").isTrue();
        now.set(500_000_000L);
        assertThat(throttle.take("p", true).allowed()).as("2 per second refills one in 0.5 s").isTrue();
        assertThat(throttle.take("p", true).allowed()).isFalse();
    }

    @Test
    void limitsParseAndRefuseNonsense() {
        assertThat(ThrottleLimits.parse("10:5,4:2")).isEqualTo(new ThrottleLimits(10, 5, 4, 2));
        assertThat(ThrottleLimits.parse("standard")).isEqualTo(ThrottleLimits.standard());
        assertThatThrownBy(() -> ThrottleLimits.parse("fast")).hasMessageContaining("'standard', 'azure'");
        assertThatThrownBy(() -> ThrottleLimits.parse("0:1,1:1")).isInstanceOf(IllegalArgumentException.class);
    }
}
