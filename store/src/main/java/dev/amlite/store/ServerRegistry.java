package dev.amlite.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * The servers that share this store (replicas, OP-2), each by the id of its data directory, with when it was last
 * seen. Times are the database's ({@code CURRENT_TIMESTAMP}), so replicas whose clocks differ still agree on who is
 * alive.
 */
public final class ServerRegistry {
    private final Jdbi jdbi;

    public ServerRegistry(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    /**
     * A server starts: its row is made, or renewed when the server of this data directory ran before, and held by
     * {@code incarnation} (this process).
     */
    public void register(String serverId, String incarnation) {
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE servers SET started_at = CURRENT_TIMESTAMP, "
                    + "seen_at = CURRENT_TIMESTAMP, incarnation = :incarnation WHERE server_id = :id")
                    .bind("id", serverId).bind("incarnation", incarnation).execute();
            if (updated == 0) {
                handle.createUpdate("INSERT INTO servers (server_id, started_at, seen_at, incarnation) "
                        + "VALUES (:id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :incarnation)").bind("id", serverId)
                        .bind("incarnation", incarnation).execute();
            }
        });
    }

    /** What a heartbeat found. */
    public enum Beat {
        /** The row is this process's: seen now. */
        SEEN,
        /** The row was gone: the others took this server for stopped. */
        GONE,
        /** Another process registered with this server's id since. */
        TAKEN
    }

    /** The server's heartbeat, written only while its row is held by {@code incarnation}. */
    public Beat beat(String serverId, String incarnation) {
        return jdbi.withHandle(handle -> {
            if (handle.createUpdate("UPDATE servers SET seen_at = CURRENT_TIMESTAMP WHERE server_id = :id "
                    + "AND incarnation = :incarnation").bind("id", serverId).bind("incarnation", incarnation)
                    .execute() > 0) {
                return Beat.SEEN;
            }
            return handle.createQuery("SELECT COUNT(*) FROM servers WHERE server_id = :id").bind("id", serverId)
                    .mapTo(Integer.class).one() > 0 ? Beat.TAKEN : Beat.GONE;
        });
    }

    /** When the row of {@code serverId} was last beaten and how long ago, by the database's clock. */
    public record Sighting(String incarnation, Instant seenAt, Duration ago) {
    }

    public Optional<Sighting> sighting(String serverId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT incarnation, seen_at, CURRENT_TIMESTAMP AS db_now "
                        + "FROM servers WHERE server_id = :id").bind("id", serverId)
                .map((row, context) -> {
                    Instant seen = StoredTimes.read(row, "seen_at");
                    return new Sighting(row.getString("incarnation"), seen,
                            Duration.between(seen, StoredTimes.read(row, "db_now")));
                }).findOne());
    }

    /** A clean stop: the server is gone at once, not only once its heartbeat is old (if the row is still its own). */
    public void leave(String serverId, String incarnation) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM servers WHERE server_id = :id AND "
                + "(incarnation = :incarnation OR incarnation IS NULL)").bind("id", serverId)
                .bind("incarnation", incarnation).execute());
    }

    private record Seen(String server, Instant at, Instant now) {
    }

    /** The servers seen within {@code timeout}, by the database's clock. */
    public Set<String> seenWithin(Duration timeout) {
        return jdbi.withHandle(handle -> {
            Set<String> live = new LinkedHashSet<>();
            handle.createQuery("SELECT server_id, seen_at, CURRENT_TIMESTAMP AS db_now FROM servers ORDER BY server_id")
                    .map((row, context) -> new Seen(row.getString("server_id"), StoredTimes.read(row, "seen_at"),
                            StoredTimes.read(row, "db_now")))
                    .forEach(seen -> {
                        if (!seen.at().isBefore(seen.now().minus(timeout))) {
                            live.add(seen.server());
                        }
                    });
            return live;
        });
    }
}
