package dev.amlite.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * The nodes of computes, shared by the servers of one store (CP-1 across replicas, OP-2). Every write is one
 * conditional statement: a node is added into a free slot (the slot is the key, so two servers adding at once never
 * both get it), leased only while it is idle, and removed only while it is idle. Callers read, decide and write;
 * a write that finds the row changed returns false and the caller reads again. Leasing and freeing a node are not
 * made durable on their own on H2 ({@link H2GroupCommit#LAZY}): a crash ends the jobs that held leases, and the next
 * start frees every lease of this server anyway.
 */
public final class ComputeNodes {
    /** One node of a compute; {@code job} and {@code serverId} are null while it is idle. */
    public record Node(String computeKey, int slot, String nodeId, String job, String serverId, Instant since,
                       Instant idleSince) {
        public boolean idle() {
            return job == null;
        }
    }

    private final Jdbi jdbi;

    public ComputeNodes(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    /** The nodes of one compute, by slot. */
    public List<Node> list(String computeKey) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM compute_nodes WHERE compute_key = :key "
                + "ORDER BY slot").bind("key", computeKey).map((row, context) -> node(row)).list());
    }

    private static Node node(ResultSet row) throws SQLException {
        return new Node(row.getString("compute_key"), row.getInt("slot"), row.getString("node_id"),
                row.getString("job"), row.getString("server_id"), StoredTimes.read(row, "since"),
                StoredTimes.read(row, "idle_since"));
    }

    /** How many nodes each compute that has any holds. */
    public Map<String, Integer> counts() {
        return jdbi.withHandle(handle -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            handle.createQuery("SELECT compute_key, COUNT(*) AS nodes FROM compute_nodes GROUP BY compute_key")
                    .map((row, context) -> Map.entry(row.getString("compute_key"), row.getInt("nodes")))
                    .forEach(count -> counts.put(count.getKey(), count.getValue()));
            return counts;
        });
    }

    /**
     * Adds a node in {@code slot}, leased to {@code job} of {@code serverId} when {@code job} is not null. False when
     * the slot is taken (another server added a node there first).
     */
    public boolean add(String computeKey, int slot, String nodeId, String job, String serverId, Instant now) {
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO compute_nodes (compute_key, slot, node_id, job, "
                            + "server_id, since, idle_since) VALUES (:key, :slot, :node, :job, :server, :now, :now)")
                    .bind("key", computeKey).bind("slot", slot).bind("node", nodeId).bind("job", job)
                    .bind("server", job == null ? null : serverId).bind("now", now).execute());
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Leases an idle node to {@code job} of {@code serverId}; false when it is no longer idle or gone. */
    public boolean lease(String computeKey, String nodeId, String job, String serverId) {
        return jdbi.withHandle(handle -> handle.createUpdate(H2GroupCommit.LAZY + "UPDATE compute_nodes "
                        + "SET job = :job, server_id = :server "
                        + "WHERE compute_key = :key AND node_id = :node AND job IS NULL")
                .bind("job", job).bind("server", serverId).bind("key", computeKey).bind("node", nodeId)
                .execute()) > 0;
    }

    /** The job is done with its node: idle from {@code now}, if the node is still leased to that job. */
    public void release(String computeKey, String nodeId, String job, Instant now) {
        jdbi.useHandle(handle -> handle.createUpdate(H2GroupCommit.LAZY + "UPDATE compute_nodes "
                        + "SET job = NULL, server_id = NULL, idle_since = :now "
                        + "WHERE compute_key = :key AND node_id = :node AND job = :job")
                .bind("now", now).bind("key", computeKey).bind("node", nodeId).bind("job", job).execute());
    }

    /**
     * Frees the nodes leased to jobs of servers not in {@code running} (servers that restarted or are no longer
     * seen: their jobs ended with them). Returns how many were freed.
     */
    public int releaseAllBut(Set<String> running, Instant now) {
        return jdbi.withHandle(handle -> {
            int freed = 0;
            for (String server : handle.createQuery("SELECT DISTINCT server_id FROM compute_nodes WHERE server_id IS "
                    + "NOT NULL").mapTo(String.class).list()) {
                if (!running.contains(server)) {
                    freed += handle.createUpdate("UPDATE compute_nodes SET job = NULL, server_id = NULL, "
                            + "idle_since = :now WHERE server_id = :server").bind("now", now).bind("server", server)
                            .execute();
                }
            }
            return freed;
        });
    }

    /** Removes a node while it is idle (a cluster scaling down); false when a job leased it meanwhile or it is gone. */
    public boolean removeIdle(String computeKey, String nodeId) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM compute_nodes WHERE compute_key = :key "
                + "AND node_id = :node AND job IS NULL").bind("key", computeKey).bind("node", nodeId).execute()) > 0;
    }

    /** Removes a node added for {@code job} that it must not keep (the quota's last room went to another server). */
    public void removeLeased(String computeKey, String nodeId, String job) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM compute_nodes WHERE compute_key = :key "
                + "AND node_id = :node AND job = :job").bind("key", computeKey).bind("node", nodeId).bind("job", job)
                .execute());
    }

    /** Removes every node of a compute (stopped or deleted) and returns those removed. */
    public List<Node> removeAll(String computeKey) {
        return jdbi.inTransaction(handle -> {
            List<Node> nodes = handle.createQuery("SELECT * FROM compute_nodes WHERE compute_key = :key ORDER BY slot "
                    + "FOR UPDATE").bind("key", computeKey).map((row, context) -> node(row)).list();
            handle.createUpdate("DELETE FROM compute_nodes WHERE compute_key = :key").bind("key", computeKey).execute();
            return nodes;
        });
    }
}
