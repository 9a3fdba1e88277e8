package dev.amlite.store;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * Which server runs which job (replicas, OP-2): a job runs where its claim is, and only one claim per job can be
 * made, so two replicas never both start it. A claim lasts from the job's start to its end; one left by a server
 * that is no longer seen can be taken over.
 */
public final class RunClaims {
    private final Jdbi jdbi;
    private final Clock clock;

    public RunClaims(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Claims {@code jobKey} for {@code serverId}: true when the claim is now its own, made here or already held. A
     * claim of a server not in {@code live} is taken over; one of a live server is not. {@code live} is asked only
     * when the job has a claim already (not on the usual path: one insert).
     */
    public boolean claim(String jobKey, String serverId, java.util.function.Supplier<Set<String>> live) {
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO job_runs (job_key, server_id, claimed_at) "
                    + "VALUES (:key, :server, :now)").bind("key", jobKey).bind("server", serverId)
                    .bind("now", clock.instant()).execute());
            return true;
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
        }
        Optional<String> holder = holder(jobKey);
        if (holder.isEmpty()) {
            return claim(jobKey, serverId, live); // ended between the insert and the read
        }
        if (holder.get().equals(serverId)) {
            return true;
        }
        return !live.get().contains(holder.get()) && takeOver(jobKey, holder.get(), serverId);
    }

    /** Moves the claim from {@code from} to {@code to}, only while {@code from} still holds it. */
    public boolean takeOver(String jobKey, String from, String to) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE job_runs SET server_id = :to, claimed_at = :now "
                        + "WHERE job_key = :key AND server_id = :from").bind("to", to).bind("now", clock.instant())
                .bind("key", jobKey).bind("from", from).execute()) > 0;
    }

    public Optional<String> holder(String jobKey) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT server_id FROM job_runs WHERE job_key = :key")
                .bind("key", jobKey).mapTo(String.class).findOne());
    }

    /** Every claim, job key to server: the jobs running anywhere (a short list: only running jobs have one). */
    public Map<String, String> all() {
        return jdbi.withHandle(handle -> {
            Map<String, String> claims = new TreeMap<>();
            handle.createQuery("SELECT job_key, server_id FROM job_runs")
                    .map((row, context) -> Map.entry(row.getString("job_key"), row.getString("server_id")))
                    .forEach(claim -> claims.put(claim.getKey(), claim.getValue()));
            return claims;
        });
    }

    /** The job ended: its claim goes, if {@code serverId} still holds it. */
    public void release(String jobKey, String serverId) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM job_runs WHERE job_key = :key AND server_id = :server")
                .bind("key", jobKey).bind("server", serverId).execute());
    }
}
