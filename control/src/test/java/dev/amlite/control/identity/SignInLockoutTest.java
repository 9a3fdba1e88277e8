package dev.amlite.control.identity;

import dev.amlite.control.ManualClock;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.SignInAttempts;
import dev.amlite.store.StoreVendor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lockout's rules, on the store's counts (embedded H2). */
class SignInLockoutTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));
    private Database database;
    private SignInLockout lockout;

    @BeforeEach
    void open(@TempDir Path temporary) {
        database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2));
        lockout = new SignInLockout(new SignInAttempts(database, clock), clock, 3, Duration.ofMinutes(1));
    }

    @AfterEach
    void close() {
        database.close();
    }

    private void fail(String name, String address, int times) {
        for (int i = 0; i < times; i++) {
            lockout.check(name, address);
            lockout.failed(name, address);
        }
    }

    @Test
    void theThresholdthFailureLocksTheNameFromThatAddressForAMinuteWithTheTimeLeftInTheMessage() {
        fail("Admin", "10.0.0.1", 2);
        assertThatCode(() -> lockout.check("admin", "10.0.0.1")).as("two of three").doesNotThrowAnyException();
        fail("admin", "10.0.0.1", 1);
        assertThatThrownBy(() -> lockout.check("ADMIN", "10.0.0.1")).isInstanceOf(OAuthException.class)
                .hasMessageContaining("AADSTS50053").hasMessageContaining("Try again in 60 s")
                .satisfies(e -> assertThat(((OAuthException) e).error()).isEqualTo("invalid_grant"));
        assertThatCode(() -> lockout.check("admin", "10.0.0.2")).as("another address").doesNotThrowAnyException();
        assertThatCode(() -> lockout.check("dana", "10.0.0.1")).as("another name").doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(59));
        assertThatThrownBy(() -> lockout.check("admin", "10.0.0.1")).hasMessageContaining("Try again in 1 s");
        clock.advance(Duration.ofSeconds(1));
        assertThatCode(() -> lockout.check("admin", "10.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void eachLockoutLastsTwiceTheOneBeforeUpToAnHourAndASuccessStartsAfresh() {
        long[] expected = {60, 120, 240, 480, 960, 1920, 3600, 3600};
        for (long seconds : expected) {
            fail("admin", "a", 3);
            assertThatThrownBy(() -> lockout.check("admin", "a")).hasMessageContaining("Try again in " + seconds + " s");
            clock.advance(Duration.ofSeconds(seconds));
        }
        lockout.succeeded("admin", "a");
        fail("admin", "a", 3);
        assertThatThrownBy(() -> lockout.check("admin", "a")).hasMessageContaining("Try again in 60 s");
    }

    @Test
    void aLongNameCountsByItsFirst256Characters() {
        String base = "x".repeat(SignInLockout.KEY_CHARACTERS);
        fail(base + "1", "a", 2);
        fail(base + "2", "a", 1);
        assertThatThrownBy(() -> lockout.check(base + "3", "a")).hasMessageContaining("AADSTS50053");
        assertThatCode(() -> lockout.check(base.substring(1), "a")).doesNotThrowAnyException();
    }

    @Test
    void aSuccessBeforeTheThresholdClearsTheCount() {
        fail("admin", "a", 2);
        lockout.succeeded("admin", "a");
        fail("admin", "a", 2);
        assertThatCode(() -> lockout.check("admin", "a")).doesNotThrowAnyException();
    }
}
