package dev.amlite.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/** Long-running operations, kept so that a restart can resume or fail them instead of leaving them hanging. */
public final class OperationStore {
    private static final String COLUMNS =
            "id, kind, resource_id, subscription_key, status, request, error, created_at, updated_at, ended_at";
    private final Jdbi jdbi;
    private final Clock clock;

    public OperationStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A new InProgress operation, run by the server {@code owner}. */
    public Operation create(String id, String kind, String resourceId, String subscriptionId, String request,
                            String owner) {
        Instant now = clock.instant();
        Operation operation = new Operation(id, kind, resourceId, subscriptionId, OperationStatus.InProgress, request,
                null, now, now, null);
        jdbi.useHandle(handle -> handle.createUpdate("""
                INSERT INTO operations (id, kind, resource_id, subscription_key, status, request, created_at, updated_at,
                    owner)
                VALUES (:id, :kind, :resourceId, :subscriptionId, :status, :request, :now, :now, :owner)""")
                .bind("id", id).bind("kind", kind).bind("resourceId", resourceId)
                .bind("subscriptionId", subscriptionId).bind("status", operation.status().name())
                .bind("request", request).bind("now", now).bind("owner", owner)
                .execute());
        return operation;
    }

    public Optional<Operation> get(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM operations WHERE id = :id")
                .bind("id", id).map(OperationStore::map).findOne());
    }

    /** Ends an operation. Only an InProgress row changes, so a late worker cannot overwrite a cancel or failure. */
    public boolean finish(String id, OperationStatus status, String errorJson) {
        Instant now = clock.instant();
        return jdbi.withHandle(handle -> handle.createUpdate("""
                UPDATE operations SET status = :status, error = :error, updated_at = :now, ended_at = :now
                WHERE id = :id AND status = 'InProgress'""")
                .bind("status", status.name()).bind("error", errorJson).bind("now", now).bind("id", id)
                .execute()) > 0;
    }


    /** An InProgress operation and the server that runs it (null: made before servers were recorded). */
    public record Running(Operation operation, String owner) {
    }

    /** The InProgress operations with their servers, oldest first. */
    public List<Running> running() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + ", owner FROM operations WHERE status = 'InProgress' ORDER BY created_at")
                .map((row, context) -> new Running(map(row, context), row.getString("owner"))).list());
    }

    /**
     * Makes {@code to} the server of an InProgress operation, only while {@code from} (null for none) is: of two
     * replicas taking over the same operation, one gets it.
     */
    public boolean takeOver(String id, String from, String to) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE operations SET owner = :to, updated_at = :now "
                        + "WHERE id = :id AND status = 'InProgress' AND " + (from == null ? "owner IS NULL" : "owner = :from"))
                .bind("to", to).bind("now", clock.instant()).bind("id", id)
                .bindMap(from == null ? java.util.Map.of() : java.util.Map.of("from", from))
                .execute()) > 0;
    }

    private static Operation map(java.sql.ResultSet row, org.jdbi.v3.core.statement.StatementContext context)
            throws java.sql.SQLException {
        return new Operation(row.getString("id"), row.getString("kind"), row.getString("resource_id"),
                row.getString("subscription_key"), OperationStatus.valueOf(row.getString("status")),
                row.getString("request"), row.getString("error"), StoredTimes.read(row, "created_at"),
                StoredTimes.read(row, "updated_at"), StoredTimes.read(row, "ended_at"));
    }
}
