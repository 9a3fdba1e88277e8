package dev.amlite.store;

import dev.amlite.core.ResourceId;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/**
 * Sealed secret values attached to a resource. The store never sees plaintext: callers seal before {@link #put}
 * and open after {@link #get}. Rows go with their owner when {@link ResourceStore#deleteTree} removes it.
 */
public final class SecretStore {
    private final Jdbi jdbi;
    private final Clock clock;

    public SecretStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void put(ResourceId owner, String name, String sealed) {
        for (int attempt = 1; ; attempt++) {
            try {
                update(owner, name, sealed);
                return;
            } catch (RuntimeException e) {
                // Another put made the row between this one's UPDATE and its INSERT: the UPDATE finds it now.
                if (!Database.isUniqueViolation(e) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Stores the value unless the owner has one under that name already; false then, and the stored value stays. For
     * values made once (an endpoint's keys): of requests making them at the same moment, one value wins for all.
     */
    public boolean putIfAbsent(ResourceId owner, String name, String sealed) {
        try {
            jdbi.useHandle(handle -> insert(handle, owner, name, sealed));
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private void update(ResourceId owner, String name, String sealed) {
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE secrets SET sealed = :sealed, updated_at = :now"
                            + " WHERE owner_key = :owner AND secret_name = :name")
                    .bind("sealed", sealed).bind("now", clock.instant()).bind("owner", owner.key()).bind("name", name)
                    .execute();
            if (updated == 0) {
                insert(handle, owner, name, sealed);
            }
        });
    }

    private void insert(Handle handle, ResourceId owner, String name, String sealed) {
        handle.createUpdate("INSERT INTO secrets (owner_key, secret_name, sealed, updated_at)"
                        + " VALUES (:owner, :name, :sealed, :now)")
                .bind("owner", owner.key()).bind("name", name).bind("sealed", sealed).bind("now", clock.instant())
                .execute();
    }

    public Optional<String> get(ResourceId owner, String name) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT sealed FROM secrets WHERE owner_key = :owner AND secret_name = :name")
                .bind("owner", owner.key()).bind("name", name).mapTo(String.class).findOne());
    }

    /** Every sealed value of one owner, by name. */
    public Map<String, String> all(ResourceId owner) {
        Map<String, String> result = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT secret_name, sealed FROM secrets WHERE owner_key = :owner ORDER BY secret_name")
                .bind("owner", owner.key())
                .map((row, context) -> Map.entry(row.getString(1), row.getString(2)))
                .forEach(entry -> result.put(entry.getKey(), entry.getValue())));
        return result;
    }

    public boolean delete(ResourceId owner, String name) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                        "DELETE FROM secrets WHERE owner_key = :owner AND secret_name = :name")
                .bind("owner", owner.key()).bind("name", name).execute()) > 0;
    }
}
