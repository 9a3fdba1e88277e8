package dev.amlite.store;

import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * Running jobs' MLflow tokens, by SHA-256 digest (the token itself is never stored), so that every replica sharing
 * the store accepts a job's token, whichever of them its requests reach.
 */
public final class RunTokenStore {
    private final Jdbi jdbi;
    private final Clock clock;

    /** What a token was issued for: the job (ARM id) and its submitter's sign-in name. */
    public record Grant(String jobId, String submitter) {
    }

    public RunTokenStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Records a new token of {@code jobKey}, replacing the job's earlier ones. */
    public void put(String digest, String jobKey, String jobId, String submitter) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM run_tokens WHERE job_key = :key").bind("key", jobKey).execute();
            handle.createUpdate("INSERT INTO run_tokens (digest, job_key, job_id, submitter, issued_at) "
                            + "VALUES (:digest, :key, :id, :submitter, :now)")
                    .bind("digest", digest).bind("key", jobKey).bind("id", jobId).bind("submitter", submitter)
                    .bind("now", clock.instant()).execute();
        });
    }

    public Optional<Grant> find(String digest) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT job_id, submitter FROM run_tokens WHERE digest = :digest")
                .bind("digest", digest).map((row, context) -> new Grant(row.getString("job_id"), row.getString("submitter")))
                .findOne());
    }

    /** The job ended: its token opens nothing from now on, on any replica. */
    public void revoke(String jobKey) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM run_tokens WHERE job_key = :key")
                .bind("key", jobKey).execute());
    }
}
