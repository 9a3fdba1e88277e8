package dev.amlite.store;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * The logs of running jobs in parts, for the replicas that do not run them (OP-2): the server that runs a job adds
 * what its log file gained, whole lines at a time; another server reads the parts from an offset. A job's parts go
 * when it ends, once its log is stored.
 */
public final class JobLogParts {
    /** Bytes {@code start} to {@code end} of a job's log file, as text (whole lines of UTF-8). */
    public record Part(long start, long end, String content) {
    }

    private final Jdbi jdbi;

    public JobLogParts(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    public void add(String jobKey, Part part) {
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO job_log_parts (job_key, start_offset, end_offset, "
                        + "content) VALUES (:key, :start, :end, :content)").bind("key", jobKey)
                .bind("start", part.start()).bind("end", part.end()).bind("content", part.content()).execute());
    }

    /** The parts that hold bytes at or after {@code offset}, in order, at most {@code limit} of them. */
    public List<Part> from(String jobKey, long offset, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT start_offset, end_offset, content FROM "
                        + "job_log_parts WHERE job_key = :key AND end_offset > :offset ORDER BY start_offset "
                        + "LIMIT :limit").bind("key", jobKey).bind("offset", offset).bind("limit", limit)
                .map((row, context) -> new Part(row.getLong("start_offset"), row.getLong("end_offset"),
                        row.getString("content"))).list());
    }

    public void delete(String jobKey) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM job_log_parts WHERE job_key = :key")
                .bind("key", jobKey).execute());
    }
}
