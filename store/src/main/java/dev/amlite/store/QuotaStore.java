package dev.amlite.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * Raised quota limits and quota-increase requests (RM-11). Families are stored lower-case so that
 * {@code standardNCSv3Family} and {@code StandardNCSv3Family} are one quota; regions likewise.
 */
public final class QuotaStore {
    private static final String REQUEST_COLUMNS = "id, subscription_key, region, family, requested_limit, "
            + "justification, status, requested_by, decided_by, created_at, decided_at";
    private final Jdbi jdbi;
    private final Clock clock;

    /** A quota-increase request as stored. {@code status}: Pending, Approved or Rejected. */
    public record QuotaRequest(String id, String subscriptionId, String region, String family, int requestedLimit,
                               String justification, String status, String requestedBy, String decidedBy,
                               Instant createdAt, Instant decidedAt) {
    }

    public QuotaStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    private static String key(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    /** The limits raised in a region of a subscription, by lower-case family. */
    public Map<String, Integer> limits(String subscriptionId, String region) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                SELECT family, vcpu_limit FROM quota_limits WHERE subscription_key = :s AND region = :r""")
                .bind("s", key(subscriptionId)).bind("r", key(region))
                .map((row, ctx) -> Map.entry(row.getString("family"), row.getInt("vcpu_limit")))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public void setLimit(String subscriptionId, String region, String family, int limit) {
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("""
                    UPDATE quota_limits SET vcpu_limit = :limit, updated_at = :now
                    WHERE subscription_key = :s AND region = :r AND family = :f""")
                    .bind("limit", limit).bind("now", now).bind("s", key(subscriptionId)).bind("r", key(region))
                    .bind("f", key(family)).execute();
            if (updated == 0) {
                handle.createUpdate("""
                        INSERT INTO quota_limits (subscription_key, region, family, vcpu_limit, updated_at)
                        VALUES (:s, :r, :f, :limit, :now)""")
                        .bind("limit", limit).bind("now", now).bind("s", key(subscriptionId)).bind("r", key(region))
                        .bind("f", key(family)).execute();
            }
        });
    }

    public QuotaRequest createRequest(String id, String subscriptionId, String region, String family, int limit,
                                      String justification, String requestedBy) {
        Instant now = clock.instant();
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO quota_requests (" + REQUEST_COLUMNS + ") VALUES "
                        + "(:id, :s, :r, :f, :limit, :why, 'Pending', :by, NULL, :now, NULL)")
                .bind("id", id).bind("s", key(subscriptionId)).bind("r", key(region)).bind("f", family)
                .bind("limit", limit).bind("why", justification).bind("by", requestedBy).bind("now", now).execute());
        return request(subscriptionId, id).orElseThrow();
    }

    public Optional<QuotaRequest> request(String subscriptionId, String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + REQUEST_COLUMNS
                        + " FROM quota_requests WHERE subscription_key = :s AND id = :id")
                .bind("s", key(subscriptionId)).bind("id", id).map(QuotaStore::map).findOne());
    }

    public List<QuotaRequest> requests(String subscriptionId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + REQUEST_COLUMNS
                        + " FROM quota_requests WHERE subscription_key = :s ORDER BY created_at, id")
                .bind("s", key(subscriptionId)).map(QuotaStore::map).list());
    }

    /**
     * Decides a pending request; an approval raises the limit in the same transaction. False when the request was
     * decided already (two administrators racing: the first wins).
     */
    public boolean decide(String subscriptionId, String id, boolean approve, String decidedBy) {
        Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            int changed = handle.createUpdate("""
                    UPDATE quota_requests SET status = :status, decided_by = :by, decided_at = :now
                    WHERE subscription_key = :s AND id = :id AND status = 'Pending'""")
                    .bind("status", approve ? "Approved" : "Rejected").bind("by", decidedBy).bind("now", now)
                    .bind("s", key(subscriptionId)).bind("id", id).execute();
            if (changed == 0) {
                return false;
            }
            if (approve) {
                QuotaRequest decided = handle.createQuery("SELECT " + REQUEST_COLUMNS
                                + " FROM quota_requests WHERE subscription_key = :s AND id = :id")
                        .bind("s", key(subscriptionId)).bind("id", id).map(QuotaStore::map).one();
                int updated = handle.createUpdate("""
                        UPDATE quota_limits SET vcpu_limit = :limit, updated_at = :now
                        WHERE subscription_key = :s AND region = :r AND family = :f""")
                        .bind("limit", decided.requestedLimit()).bind("now", now).bind("s", key(subscriptionId))
                        .bind("r", decided.region()).bind("f", key(decided.family())).execute();
                if (updated == 0) {
                    handle.createUpdate("""
                            INSERT INTO quota_limits (subscription_key, region, family, vcpu_limit, updated_at)
                            VALUES (:s, :r, :f, :limit, :now)""")
                            .bind("limit", decided.requestedLimit()).bind("now", now).bind("s", key(subscriptionId))
                            .bind("r", decided.region()).bind("f", key(decided.family())).execute();
                }
            }
            return true;
        });
    }

    private static QuotaRequest map(java.sql.ResultSet row, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new QuotaRequest(row.getString("id"), row.getString("subscription_key"), row.getString("region"),
                row.getString("family"), row.getInt("requested_limit"), row.getString("justification"),
                row.getString("status"), row.getString("requested_by"), row.getString("decided_by"),
                StoredTimes.read(row, "created_at"), StoredTimes.read(row, "decided_at"));
    }
}
