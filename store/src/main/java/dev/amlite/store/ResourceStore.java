package dev.amlite.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import static java.util.Objects.requireNonNull;

/**
 * Resources as rows keyed by their lower-cased id. Writes check the etag they were based on, so two writers
 * never silently overwrite each other. Subtrees are found by id prefix, which is what makes group deletion and
 * (later) moves single statements inside one transaction.
 */
public final class ResourceStore {
    private static final String COLUMNS =
            "id, location, body, etag, state, created_at, updated_at";
    private final Jdbi jdbi;
    private final Clock clock;

    public ResourceStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Optional<StoredResource> get(ResourceId id) {
        return jdbi.withHandle(handle -> find(handle, id.key(), ResourceState.ACTIVE));
    }

    public Optional<StoredResource> getSoftDeleted(ResourceId id) {
        return jdbi.withHandle(handle -> find(handle, id.key(), ResourceState.SOFT_DELETED));
    }

    public boolean exists(ResourceId id) {
        return get(id).isPresent();
    }

    /** Creates a row; a row with the same id (in any state) makes this fail with Conflict. */
    public StoredResource insert(ResourceId id, String location, ObjectNode document) {
        Instant now = clock.instant();
        String etag = newEtag();
        ObjectNode body = withIdentity(id, document, etag);
        try {
            jdbi.useHandle(handle -> handle.createUpdate("""
                    INSERT INTO resources (id_key, id, parent_key, type_key, subscription_key, group_key, name,
                        location, body, state, etag, created_at, updated_at)
                    VALUES (:key, :id, :parent, :type, :subscription, :group, :name, :location, :body, :state, :etag,
                        :now, :now)""")
                    .bind("key", id.key())
                    .bind("id", id.id())
                    .bind("parent", id.scope() == null ? null : id.scope().toLowerCase(Locale.ROOT))
                    .bind("type", id.typeKey())
                    .bind("subscription", lower(id.subscriptionId()))
                    .bind("group", lower(id.resourceGroup()))
                    .bind("name", id.name())
                    .bind("location", location)
                    .bind("body", Json.write(body))
                    .bind("state", ResourceState.ACTIVE.name())
                    .bind("etag", etag)
                    .bind("now", now)
                    .execute());
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw new ArmException(ErrorCode.Conflict, "The resource '" + id.id() + "' already exists.");
            }
            throw e;
        }
        return new StoredResource(id, location, body, etag, ResourceState.ACTIVE, now, now);
    }

    /**
     * Replaces the document of an existing row. {@code expectedEtag} is the etag the caller read; when another
     * writer got there first this fails with PreconditionFailed instead of losing their change.
     */
    public StoredResource replace(StoredResource current, String location, ObjectNode document) {
        Instant now = clock.instant();
        String etag = newEtag();
        ObjectNode body = withIdentity(current.id(), document, etag);
        int updated = jdbi.withHandle(handle -> handle.createUpdate("""
                UPDATE resources SET body = :body, location = :location, etag = :etag, updated_at = :now
                WHERE id_key = :key AND etag = :expected""")
                .bind("body", Json.write(body))
                .bind("location", location)
                .bind("etag", etag)
                .bind("now", now)
                .bind("key", current.id().key())
                .bind("expected", current.etag())
                .execute());
        if (updated == 0) {
            throw new ArmException(ErrorCode.PreconditionFailed, "The resource '" + current.id().id()
                    + "' was changed by another request while this one ran. Read it again and retry.");
        }
        return new StoredResource(current.id(), location, body, etag, current.state(), current.createdAt(), now);
    }

    public void setState(ResourceId id, ResourceState state) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE resources SET state = :state, updated_at = :now WHERE id_key = :key")
                .bind("state", state.name()).bind("now", clock.instant()).bind("key", id.key()).execute());
    }

    /** Deletes one row. Returns false when there was none (deleting a missing resource is not an error in ARM). */
    public boolean delete(ResourceId id) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM resources WHERE id_key = :key")
                .bind("key", id.key()).execute()) > 0;
    }

    /** Deletes a resource and everything below it in one statement. Returns the number of rows removed. */
    public int deleteTree(ResourceId id) {
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM secrets WHERE owner_key = :key OR owner_key LIKE :prefix ESCAPE '\\'")
                    .bind("key", id.key())
                    .bind("prefix", likePrefix(id.key()))
                    .execute();
            return handle.createUpdate(
                            "DELETE FROM resources WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\'")
                    .bind("key", id.key())
                    .bind("prefix", likePrefix(id.key()))
                    .execute();
        });
    }

    /** What {@link #moveTree} did: the new ids of the moved rows (the root first) and the rows it deleted. */
    public record MovedTree(List<ResourceId> moved, List<StoredResource> dropped) {
    }

    /**
     * Moves a resource and everything below it to {@code target} (the same resource in another group or
     * subscription) in one transaction (RM-7, MV-5): every row gets its new id, parent, subscription and group, its
     * document the new id and a new etag, and the secrets of each row follow it. Rows whose type is in
     * {@code stayingTypeKeys} stay where they are (what a move leaves behind). A row already at a new id is a
     * Conflict and nothing moves. Rows whose type is in {@code droppedTypeKeys} are deleted in the same transaction
     * (role assignments scoped to a moved workspace) and returned, so that the caller can say what went.
     */
    public MovedTree moveTree(ResourceId source, ResourceId target, java.util.Set<String> stayingTypeKeys,
                              java.util.Set<String> droppedTypeKeys) {
        return moveTree(source, target, stayingTypeKeys, droppedTypeKeys, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #moveTree(ResourceId, ResourceId, java.util.Set, java.util.Set)}, with {@code rewrite} applied to
     * every moved document (the caller's knowledge of references inside documents; the store has none).
     */
    public MovedTree moveTree(ResourceId source, ResourceId target, java.util.Set<String> stayingTypeKeys,
                              java.util.Set<String> droppedTypeKeys, java.util.function.UnaryOperator<ObjectNode> rewrite) {
        if (!source.typeKey().equals(target.typeKey()) || !source.name().equalsIgnoreCase(target.name())) {
            throw new IllegalArgumentException("A move keeps type and name: " + source.id() + " -> " + target.id());
        }
        Instant now = clock.instant();
        try {
            return jdbi.inTransaction(handle -> {
                List<StoredResource> rows = handle.createQuery("SELECT " + COLUMNS + " FROM resources "
                                + "WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\' ORDER BY id_key")
                        .bind("key", source.key()).bind("prefix", likePrefix(source.key()))
                        .map(ResourceStore::map).list();
                if (rows.stream().noneMatch(row -> row.id().key().equals(source.key()))) {
                    throw ArmException.notFound(source);
                }
                List<ResourceId> moved = new java.util.ArrayList<>();
                List<StoredResource> dropped = new java.util.ArrayList<>();
                for (StoredResource row : rows) {
                    if (stayingTypeKeys.contains(row.id().typeKey())) {
                        continue;
                    }
                    if (droppedTypeKeys.contains(row.id().typeKey())) {
                        handle.createUpdate("DELETE FROM resources WHERE id_key = :key").bind("key", row.id().key())
                                .execute();
                        dropped.add(row);
                        continue;
                    }
                    ResourceId to = ResourceId.parse(target.id() + row.id().id().substring(source.id().length()));
                    String etag = newEtag();
                    ObjectNode body = withIdentity(to, rewrite.apply(row.documentCopy()), etag);
                    handle.createUpdate("""
                            UPDATE resources SET id_key = :newKey, id = :id, parent_key = :parent,
                                subscription_key = :subscription, group_key = :group, body = :body, etag = :etag,
                                updated_at = :now
                            WHERE id_key = :oldKey""")
                            .bind("newKey", to.key()).bind("id", to.id())
                            .bind("parent", to.scope() == null ? null : to.scope().toLowerCase(Locale.ROOT))
                            .bind("subscription", lower(to.subscriptionId())).bind("group", lower(to.resourceGroup()))
                            .bind("body", Json.write(body)).bind("etag", etag).bind("now", now)
                            .bind("oldKey", row.id().key()).execute();
                    handle.createUpdate("UPDATE secrets SET owner_key = :newKey WHERE owner_key = :oldKey")
                            .bind("newKey", to.key()).bind("oldKey", row.id().key()).execute();
                    moved.add(to);
                }
                return new MovedTree(List.copyOf(moved), List.copyOf(dropped));
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw new ArmException(ErrorCode.Conflict, "Something already exists at the target of the move of '"
                        + source.id() + "' to '" + target.id() + "'; nothing was moved.");
            }
            throw e;
        }
    }

    /**
     * Moves a resource and everything below it from one state to another in one statement: soft delete hides a
     * subtree and keeps its name taken; recovery brings it back whole.
     */
    public int setTreeState(ResourceId id, ResourceState from, ResourceState to) {
        return jdbi.inTransaction(handle -> handle.createUpdate("UPDATE resources SET state = :to, updated_at = :now"
                        + " WHERE (id_key = :key OR id_key LIKE :prefix ESCAPE '\\') AND state = :from")
                .bind("to", to.name())
                .bind("from", from.name())
                .bind("now", clock.instant())
                .bind("key", id.key())
                .bind("prefix", likePrefix(id.key()))
                .execute());
    }

    /** Resources of a type with a name, anywhere and in any state: names that must be unique across the service. */
    public List<StoredResource> findByTypeAndName(String typeKey, String name) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM resources WHERE type_key = :type AND LOWER(name) = :name ORDER BY id_key")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .bind("name", name.toLowerCase(Locale.ROOT))
                .map(ResourceStore::map)
                .list());
    }

    /** Resources of a type in a state, anywhere (soft-deleted workspaces and vaults for the purge sweep). */
    public List<StoredResource> listByTypeInState(String typeKey, ResourceState state) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM resources WHERE type_key = :type AND state = :state ORDER BY id_key")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .bind("state", state.name())
                .map(ResourceStore::map)
                .list());
    }

    public List<StoredResource> listChildren(ResourceId parent, String typeKey) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM resources WHERE parent_key = :parent AND type_key = :type AND state = 'ACTIVE'"
                        + " ORDER BY id_key")
                .bind("parent", parent.key())
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .map(ResourceStore::map)
                .list());
    }

    /** Every resource of a subscription (optionally of one type), resource groups included only when asked. */
    public List<StoredResource> listInSubscription(String subscriptionId, String typeKey) {
        String sql = "SELECT " + COLUMNS + " FROM resources WHERE subscription_key = :subscription AND state = 'ACTIVE'"
                + (typeKey == null ? " AND type_key NOT IN ('microsoft.resources/resourcegroups')" : " AND type_key = :type")
                + " ORDER BY id_key";
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery(sql).bind("subscription", lower(subscriptionId));
            if (typeKey != null) {
                query.bind("type", typeKey.toLowerCase(Locale.ROOT));
            }
            return query.map(ResourceStore::map).list();
        });
    }

    /** Resources inside a group (not the group itself), optionally of one type. */
    public List<StoredResource> listInGroup(String subscriptionId, String group, String typeKey) {
        String sql = "SELECT " + COLUMNS + " FROM resources WHERE subscription_key = :subscription"
                + " AND group_key = :group AND state = 'ACTIVE' AND type_key <> 'microsoft.resources/resourcegroups'"
                + (typeKey == null ? "" : " AND type_key = :type") + " ORDER BY id_key";
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery(sql)
                    .bind("subscription", lower(subscriptionId))
                    .bind("group", lower(group));
            if (typeKey != null) {
                query.bind("type", typeKey.toLowerCase(Locale.ROOT));
            }
            return query.map(ResourceStore::map).list();
        });
    }

    /** Resources of a type anywhere, e.g. every role assignment; small types only. */
    public List<StoredResource> listByType(String typeKey) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM resources WHERE type_key = :type AND state = 'ACTIVE' ORDER BY id_key")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .map(ResourceStore::map)
                .list());
    }

    /** Resources of a type attached at any of the given scopes (ids lower-cased): RBAC and policy lookups. */
    public List<StoredResource> listByTypeAtScopes(String typeKey, List<String> scopeKeys) {
        if (scopeKeys.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM resources WHERE type_key = :type AND parent_key IN (<scopes>) AND state = 'ACTIVE'")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .bindList("scopes", scopeKeys)
                .map(ResourceStore::map)
                .list());
    }

    public long countInGroup(String subscriptionId, String group) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM resources WHERE subscription_key = :s"
                        + " AND group_key = :g AND type_key <> 'microsoft.resources/resourcegroups'")
                .bind("s", lower(subscriptionId)).bind("g", lower(group)).mapTo(Long.class).one());
    }

    private static Optional<StoredResource> find(Handle handle, String key, ResourceState state) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM resources WHERE id_key = :key AND state = :state")
                .bind("key", key)
                .bind("state", state.name())
                .map(ResourceStore::map)
                .findOne();
    }

    private static StoredResource map(ResultSet row, StatementContext context) throws SQLException {
        ObjectNode body;
        try {
            body = (ObjectNode) Json.MAPPER.readTree(row.getString("body"));
        } catch (JsonProcessingException e) {
            throw new SQLException("Stored document of " + row.getString("id") + " is not JSON", e);
        }
        return new StoredResource(ResourceId.parse(row.getString("id")), row.getString("location"), body,
                row.getString("etag"), ResourceState.valueOf(row.getString("state")),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
    }

    private static ObjectNode withIdentity(ResourceId id, ObjectNode document, String etag) {
        ObjectNode body = Json.object();
        body.put("id", id.id());
        body.put("name", id.name());
        body.put("type", id.type());
        body.setAll(document);
        body.put("id", id.id());
        body.put("name", id.name());
        body.put("type", id.type());
        body.put("etag", etag);
        return body;
    }

    static String likePrefix(String key) {
        return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%";
    }

    private static String newEtag() {
        return "\"" + UUID.randomUUID() + "\"";
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
