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
    private final StoreVendor vendor;
    private final Clock clock;

    public ResourceStore(Database database, Clock clock) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.vendor = database.vendor();
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

    /** What {@link #moveTrees} did: how many rows moved (the roots included) and the rows it deleted. */
    public record MovedTree(int moved, List<StoredResource> dropped) {
    }

    /** One resource of a move and where it goes: the same type and name in another group or subscription. */
    public record MoveRoot(ResourceId source, ResourceId target) {
        public MoveRoot {
            if (!source.typeKey().equals(target.typeKey()) || !source.name().equalsIgnoreCase(target.name())) {
                throw new IllegalArgumentException("A move keeps type and name: " + source.id() + " -> " + target.id());
            }
        }
    }

    /**
     * A reference inside moved documents to rewrite: {@code from}, in any letter case, wherever it is followed by
     * '/', '"' or '?' (so that a longer name that merely starts the same is left alone), becomes {@code to}. The
     * rewrite works on the document's JSON text, so neither may hold what JSON escapes (quotes, backslashes,
     * control characters) — ids and URIs do not.
     */
    public record Rewrite(String from, String to) {
        public Rewrite {
            for (String text : List.of(requireNonNull(from, "from is null"), requireNonNull(to, "to is null"))) {
                if (text.isEmpty() || text.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
                    throw new IllegalArgumentException("Not a reference a move can rewrite: '" + text + "'");
                }
            }
        }
    }

    /** The last change to a moved root's document, made in the move's transaction (what the caller records). */
    @FunctionalInterface
    public interface RootEdit {
        void edit(MoveRoot root, ObjectNode document, List<StoredResource> droppedBelowIt);
    }

    /**
     * Moves resources and everything below them to their targets (the same resources in another group or
     * subscription) in one transaction (RM-7, MV-5): every row gets its new id, parent, subscription and group and
     * a new etag; its document the new id (every reference to any moved resource's old id inside it is rewritten,
     * as are the {@code rewrites} the caller knows of) and the secrets of each row follow it. Rows whose type is in
     * {@code stayingTypeKeys} stay where they are (what a move leaves behind). A row already at a new id is a
     * Conflict and nothing moves. Rows whose type is in {@code droppedTypeKeys} are deleted (role assignments scoped
     * to a moved workspace) and returned. Last, {@code edit} changes each moved root's document, in the same
     * transaction: a crash leaves either none of it or all of it.
     * <p>
     * The rows are rewritten by set-based statements inside the database (no row travels to the server and back);
     * what that costs per row on H2 and PostgreSQL is in docs/benchmarks.md (bench/moves.sh).
     */
    public MovedTree moveTrees(List<MoveRoot> roots, java.util.Set<String> stayingTypeKeys,
                               java.util.Set<String> droppedTypeKeys, List<Rewrite> rewrites, RootEdit edit) {
        List<Rewrite> all = new java.util.ArrayList<>();
        roots.forEach(root -> all.add(new Rewrite(root.source().id(), root.target().id())));
        all.addAll(rewrites);
        // References as they were written (the common case) by plain REPLACE, which is fast; what is left in
        // another letter case by a case-insensitive regular expression, only in the rows that still hold some.
        String rewritten = "body";
        String regexBody = "body";
        StringBuilder leftover = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            for (int b = 0; b < BOUNDARIES.length(); b++) {
                rewritten = "REPLACE(" + rewritten + ", :from" + i + "_" + b + ", :to" + i + "_" + b + ")";
            }
            regexBody = vendor == StoreVendor.POSTGRESQL
                    ? "regexp_replace(" + regexBody + ", :pattern" + i + ", :replacement" + i + ", 'gi')"
                    : "REGEXP_REPLACE(" + regexBody + ", :pattern" + i + ", :replacement" + i + ", 'i')";
            leftover.append(i == 0 ? "" : " OR ").append("POSITION(:contains").append(i).append(" IN lowered) > 0");
        }
        String regexRewritten = regexBody;
        // References are ASCII: PostgreSQL's "C" collation lower-cases only A-Z, many times faster than a locale's.
        String asciiLower = vendor == StoreVendor.POSTGRESQL ? "LOWER(body COLLATE \"C\")" : "LOWER(body)";
        // The document's own etag is the etag column's value with its quotes escaped, as JSON writes it.
        String body = "REPLACE(" + rewritten + ", :etagMember || REPLACE(etag, :quote, :escapedQuote) || :quote, :newEtagMember)";
        String etag = newEtag();
        List<String> staying = new java.util.ArrayList<>(stayingTypeKeys);
        staying.add(""); // no type is empty: keeps the IN list valid when nothing stays
        Instant now = clock.instant();
        MoveRoot current = roots.getFirst();
        try {
            return jdbi.inTransaction(handle -> {
                int moved = 0;
                List<StoredResource> droppedAll = new java.util.ArrayList<>();
                java.util.Map<MoveRoot, List<StoredResource>> droppedByRoot = new java.util.LinkedHashMap<>();
                for (MoveRoot root : roots) {
                    ResourceId source = root.source();
                    ResourceId target = root.target();
                    int cut = source.key().length() + 1;
                    if (find(handle, source.key(), ResourceState.ACTIVE).isEmpty()) {
                        throw ArmException.notFound(source);
                    }
                    List<StoredResource> dropped = droppedTypeKeys.isEmpty() ? List.of() : handle.createQuery("SELECT "
                                    + COLUMNS + " FROM resources WHERE id_key LIKE :prefix ESCAPE '\\' AND type_key IN (<types>)")
                            .bind("prefix", likePrefix(source.key())).bindList("types", List.copyOf(droppedTypeKeys))
                            .map(ResourceStore::map).list();
                    for (StoredResource row : dropped) {
                        handle.createUpdate("DELETE FROM resources WHERE id_key = :key").bind("key", row.id().key()).execute();
                        handle.createUpdate("DELETE FROM secrets WHERE owner_key = :key").bind("key", row.id().key()).execute();
                    }
                    droppedAll.addAll(dropped);
                    droppedByRoot.put(root, dropped);
                    handle.createUpdate("""
                            UPDATE secrets SET owner_key = :newKey || SUBSTRING(owner_key FROM :cut)
                            WHERE (owner_key = :key OR owner_key LIKE :prefix ESCAPE '\\')
                              AND owner_key NOT IN (SELECT id_key FROM resources WHERE subscription_key = :subscription
                                                    AND group_key = :group AND type_key IN (<staying>))""")
                            .bind("newKey", target.key()).bind("cut", cut).bind("key", source.key())
                            .bind("prefix", likePrefix(source.key())).bind("subscription", lower(source.subscriptionId()))
                            .bind("group", lower(source.resourceGroup())).bindList("staying", staying).execute();
                    var update = handle.createUpdate("UPDATE resources SET id_key = :newKey || SUBSTRING(id_key FROM :cut), "
                                    + "id = :newId || SUBSTRING(id FROM :cut), "
                                    + "parent_key = CASE WHEN id_key = :key THEN :rootParent "
                                    + "ELSE :newKey || SUBSTRING(parent_key FROM :cut) END, "
                                    + "subscription_key = :subscription, group_key = :group, body = " + body + ", "
                                    + "etag = :etag, updated_at = :now "
                                    + "WHERE (id_key = :key OR id_key LIKE :prefix ESCAPE '\\') AND type_key NOT IN (<staying>)")
                            .bind("newKey", target.key()).bind("newId", target.id()).bind("cut", cut)
                            .bind("key", source.key()).bind("prefix", likePrefix(source.key()))
                            .bind("rootParent", target.scope() == null ? null : target.scope().toLowerCase(Locale.ROOT))
                            .bind("subscription", lower(target.subscriptionId())).bind("group", lower(target.resourceGroup()))
                            .bind("etagMember", "\"etag\":\"").bind("quote", "\"").bind("escapedQuote", "\\\"")
                            .bind("newEtagMember", "\"etag\":\"" + etag.replace("\"", "\\\"") + "\"")
                            .bind("etag", etag).bind("now", now).bindList("staying", staying);
                    for (int i = 0; i < all.size(); i++) {
                        for (int b = 0; b < BOUNDARIES.length(); b++) {
                            char boundary = BOUNDARIES.charAt(b);
                            update.bind("from" + i + "_" + b, all.get(i).from() + boundary)
                                    .bind("to" + i + "_" + b, all.get(i).to() + boundary);
                        }
                    }
                    moved += update.execute();
                    // Each moved document lower-cased once, however many references are looked for in it.
                    var rest = handle.createUpdate("UPDATE resources SET body = " + regexRewritten + " WHERE id_key IN "
                                    + "(SELECT id_key FROM (SELECT id_key, " + asciiLower + " AS lowered FROM resources "
                                    + "WHERE id_key = :newKey OR id_key LIKE :newPrefix ESCAPE '!') moved WHERE "
                                    + leftover + ")")
                            .bind("newKey", target.key()).bind("newPrefix", likeEscaped(target.key()) + "/%");
                    for (int i = 0; i < all.size(); i++) {
                        rest.bind("pattern" + i, regex(all.get(i).from())).bind("replacement" + i, replacement(all.get(i).to()))
                                .bind("contains" + i, all.get(i).from().toLowerCase(Locale.ROOT));
                    }
                    rest.execute();
                }
                for (var entry : droppedByRoot.entrySet()) {
                    StoredResource root = find(handle, entry.getKey().target().key(), ResourceState.ACTIVE).orElseThrow();
                    ObjectNode document = root.documentCopy();
                    edit.edit(entry.getKey(), document, entry.getValue());
                    String rootEtag = newEtag();
                    handle.createUpdate("UPDATE resources SET body = :body, etag = :etag WHERE id_key = :key")
                            .bind("body", Json.write(withIdentity(root.id(), document, rootEtag))).bind("etag", rootEtag)
                            .bind("key", root.id().key()).execute();
                }
                return new MovedTree(moved, List.copyOf(droppedAll));
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw new ArmException(ErrorCode.Conflict, "Something already exists at the target of the move of '"
                        + current.source().id() + (roots.size() > 1 ? "' (and the other resources moving with it)" : "'")
                        + " to '" + current.target().id() + "'; nothing was moved.");
            }
            throw e;
        }
    }

    /**
     * A pattern both H2 (Java's regular expressions) and PostgreSQL (its advanced ones) read alike: every ASCII
     * character but letters and digits escaped, then a look-ahead for the end of the reference.
     */
    /** Text for LIKE with '!' as the escape (a backslash escape beside another quoted literal confuses JDBI's parser). */
    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** What may follow a reference a move rewrites. */
    private static final String BOUNDARIES = "/\"?";

    private static String regex(String literal) {
        StringBuilder pattern = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append("(?=[/\"?])").toString(); // BOUNDARIES
    }

    /** The replacement text with what each database treats specially escaped ($ and \ for H2, \ for PostgreSQL). */
    private String replacement(String text) {
        return vendor == StoreVendor.POSTGRESQL
                ? text.replace("\\", "\\\\")
                : java.util.regex.Matcher.quoteReplacement(text);
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
