package dev.amlite.control.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import static java.util.Objects.requireNonNull;

/**
 * Entra ID's smart lockout, simply: after {@code threshold} failed sign-ins in a row for one name from one address,
 * that name is refused from that address — even with the right secret — for a lock that doubles with each lockout
 * (a minute, two, four, … at most an hour). Keyed by address too, so someone guessing from elsewhere cannot lock a
 * user out of their own machine. Unknown names are counted like known ones, so the refusal says nothing about which
 * names exist. Held in memory per server: a restart, or another replica, starts counting afresh.
 */
public final class SignInLockout {
    public static final int THRESHOLD = 10;
    public static final Duration FIRST_LOCK = Duration.ofMinutes(1);
    static final Duration LONGEST_LOCK = Duration.ofHours(1);
    /** Names tracked at once; beyond it, entries that lock nothing are let go. */
    static final int MAX_TRACKED = 50_000;
    /**
     * Characters of a name a key keeps (Entra's user principal names are at most 113): a form may carry a name of
     * 64 KB, and thousands of those must not become gigabytes of keys. Names alike in their first 256 share a count.
     */
    static final int KEY_CHARACTERS = 256;

    private record Attempts(int failures, int lockouts, Instant lockedUntil) {
    }

    private final ConcurrentHashMap<String, Attempts> attempts = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int threshold;
    private final Duration firstLock;

    public SignInLockout(Clock clock, int threshold, Duration firstLock) {
        this.clock = requireNonNull(clock, "clock is null");
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
        }
        this.threshold = threshold;
        this.firstLock = requireNonNull(firstLock, "firstLock is null");
    }

    /** Refuses with AADSTS50053 while the name is locked from this address. */
    public void check(String name, String address) {
        Attempts current = attempts.get(key(name, address));
        Instant now = clock.instant();
        if (current != null && current.lockedUntil() != null && current.lockedUntil().isAfter(now)) {
            long seconds = (Duration.between(now, current.lockedUntil()).toMillis() + 999) / 1000;  // rounded up
            throw new OAuthException("invalid_grant", "AADSTS50053: The account is locked because of too many "
                    + "sign-ins with a wrong user name or password from this address. Try again in " + seconds
                    + " s (after " + current.lockedUntil() + ").", 400);
        }
    }

    public void failed(String name, String address) {
        if (attempts.size() >= MAX_TRACKED) {
            Instant now = clock.instant();
            attempts.values().removeIf(a -> a.lockedUntil() == null || !a.lockedUntil().isAfter(now));
        }
        attempts.compute(key(name, address), (key, before) -> {
            Attempts current = before == null ? new Attempts(0, 0, null) : before;
            int failures = current.failures() + 1;
            if (failures < threshold) {
                return new Attempts(failures, current.lockouts(), current.lockedUntil());
            }
            Duration lock = firstLock.multipliedBy(1L << Math.min(current.lockouts(), 12));
            lock = lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock;
            return new Attempts(0, current.lockouts() + 1, clock.instant().plus(lock));
        });
    }

    public void succeeded(String name, String address) {
        attempts.remove(key(name, address));
    }

    private static String key(String name, String address) {
        String kept = name.length() > KEY_CHARACTERS ? name.substring(0, KEY_CHARACTERS) : name;
        return kept.toLowerCase(Locale.ROOT) + "\n" + address;
    }
}
