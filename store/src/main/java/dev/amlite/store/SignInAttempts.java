package dev.amlite.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * Failed sign-ins by key (a name and a client address), for the sign-in lockout: a row per key that has failed
 * since its last success. Each change is read and written in one transaction with the row locked, so that
 * replicas counting the same key at once do not lose a failure.
 */
public final class SignInAttempts {
    private final Jdbi jdbi;
    private final Clock clock;

    /** A key's count: failures since the last lock, how many locks so far, and until when it is locked (or null). */
    public record Attempt(int failures, int lockouts, Instant lockedUntil) {
        public static final Attempt NONE = new Attempt(0, 0, null);
    }

    public SignInAttempts(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Optional<Attempt> get(String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT failures, lockouts, locked_until FROM "
                        + "sign_in_attempts WHERE attempt_key = :key").bind("key", key)
                .map((row, context) -> new Attempt(row.getInt("failures"), row.getInt("lockouts"),
                        StoredTimes.read(row, "locked_until")))
                .findOne());
    }

    /** Applies {@code next} to the key's count (NONE when it has none) and stores what it gives. */
    public Attempt update(String key, UnaryOperator<Attempt> next) {
        for (int attempt = 0; ; attempt++) {
            try {
                return jdbi.inTransaction(handle -> {
                    Optional<Attempt> current = handle.createQuery("SELECT failures, lockouts, locked_until FROM "
                                    + "sign_in_attempts WHERE attempt_key = :key FOR UPDATE").bind("key", key)
                            .map((row, context) -> new Attempt(row.getInt("failures"), row.getInt("lockouts"),
                                    StoredTimes.read(row, "locked_until")))
                            .findOne();
                    Attempt updated = next.apply(current.orElse(Attempt.NONE));
                    String sql = current.isPresent()
                            ? "UPDATE sign_in_attempts SET failures = :failures, lockouts = :lockouts, "
                            + "locked_until = :until, updated_at = :now WHERE attempt_key = :key"
                            : "INSERT INTO sign_in_attempts (attempt_key, failures, lockouts, locked_until, updated_at) "
                            + "VALUES (:key, :failures, :lockouts, :until, :now)";
                    handle.createUpdate(sql).bind("key", key).bind("failures", updated.failures())
                            .bind("lockouts", updated.lockouts()).bindByType("until", updated.lockedUntil(), Instant.class)
                            .bind("now", clock.instant()).execute();
                    return updated;
                });
            } catch (RuntimeException e) {
                // Two first failures of one key at once: one insert loses to the other's; read it and count again.
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    /** A success: the key starts afresh. */
    public void clear(String key) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM sign_in_attempts WHERE attempt_key = :key")
                .bind("key", key).execute());
    }

    /** Forgets counts untouched since {@code before} that lock nothing now; how many went. */
    public int purge(Instant before) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM sign_in_attempts WHERE updated_at < :before "
                        + "AND (locked_until IS NULL OR locked_until < :now)")
                .bind("before", before).bind("now", clock.instant()).execute());
    }
}
