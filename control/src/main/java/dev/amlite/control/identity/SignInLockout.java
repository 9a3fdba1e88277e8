package dev.amlite.control.identity;

import dev.amlite.store.SignInAttempts;
import dev.amlite.store.SignInAttempts.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import static java.util.Objects.requireNonNull;

/**
 * Entra ID's smart lockout, simply: after {@code threshold} failed sign-ins in a row for one name from one address,
 * that name is refused from that address — even with the right secret — for a lock that doubles with each lockout
 * (a minute, two, four, … at most an hour). Keyed by address too, so someone guessing from elsewhere cannot lock a
 * user out of their own machine. Unknown names are counted like known ones, so the refusal says nothing about which
 * names exist. The counts are kept in the store ({@link SignInAttempts}): a restart does not lift a lock, and
 * replicas sharing the store count together.
 */
public final class SignInLockout {
    public static final int THRESHOLD = 10;
    public static final Duration FIRST_LOCK = Duration.ofMinutes(1);
    static final Duration LONGEST_LOCK = Duration.ofHours(1);
    /** Every this many failures, counts that have locked nothing for an hour are forgotten (names sprayed at the
     *  token endpoint must not pile up in the store). */
    static final int PURGE_EVERY = 256;
    /**
     * Characters of a name a key keeps (Entra's user principal names are at most 113): a form may carry a name of
     * 64 KB, and thousands of those must not become gigabytes of keys. Names alike in their first 256 share a count.
     */
    static final int KEY_CHARACTERS = 256;

    private final SignInAttempts counts;
    private final AtomicLong failures = new AtomicLong();
    private final Clock clock;
    private final int threshold;
    private final Duration firstLock;

    public SignInLockout(SignInAttempts counts, Clock clock, int threshold, Duration firstLock) {
        this.counts = requireNonNull(counts, "counts is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
        }
        this.threshold = threshold;
        this.firstLock = requireNonNull(firstLock, "firstLock is null");
    }

    /** Refuses with AADSTS50053 while the name is locked from this address. */
    public void check(String name, String address) {
        Optional<Attempt> current = counts.get(key(name, address));
        Instant now = clock.instant();
        if (current.isPresent() && current.get().lockedUntil() != null && current.get().lockedUntil().isAfter(now)) {
            Instant until = current.get().lockedUntil();
            long seconds = (Duration.between(now, until).toMillis() + 999) / 1000;  // rounded up
            throw new OAuthException("invalid_grant", "AADSTS50053: The account is locked because of too many "
                    + "sign-ins with a wrong user name or password from this address. Try again in " + seconds
                    + " s (after " + until + ").", 400);
        }
    }

    public void failed(String name, String address) {
        Instant now = clock.instant();
        if (failures.incrementAndGet() % PURGE_EVERY == 0) {
            counts.purge(now.minus(LONGEST_LOCK));
        }
        counts.update(key(name, address), current -> {
            int failures = current.failures() + 1;
            if (failures < threshold) {
                return new Attempt(failures, current.lockouts(), current.lockedUntil());
            }
            Duration lock = firstLock.multipliedBy(1L << Math.min(current.lockouts(), 12));
            lock = lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock;
            return new Attempt(0, current.lockouts() + 1, now.plus(lock));
        });
    }

    public void succeeded(String name, String address) {
        counts.clear(key(name, address));
    }

    private static String key(String name, String address) {
        String kept = name.length() > KEY_CHARACTERS ? name.substring(0, KEY_CHARACTERS) : name;
        return kept.toLowerCase(Locale.ROOT) + "\n" + address;
    }
}
