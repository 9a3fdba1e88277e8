package dev.amlite.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
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

    /** A server starts: its row is made, or renewed when the server of this data directory ran before. */
    public void register(String serverId) {
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE servers SET started_at = CURRENT_TIMESTAMP, "
                    + "seen_at = CURRENT_TIMESTAMP WHERE server_id = :id").bind("id", serverId).execute();
            if (updated == 0) {
                handle.createUpdate("INSERT INTO servers (server_id, started_at, seen_at) "
                        + "VALUES (:id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").bind("id", serverId).execute();
            }
        });
    }

    /** The server's heartbeat. Returns false when its row was gone (another replica took it for stopped). */
    public boolean beat(String serverId) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE servers SET seen_at = CURRENT_TIMESTAMP "
                + "WHERE server_id = :id").bind("id", serverId).execute()) > 0;
    }

    /** A clean stop: the server is gone at once, not only once its heartbeat is old. */
    public void leave(String serverId) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM servers WHERE server_id = :id")
                .bind("id", serverId).execute());
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
