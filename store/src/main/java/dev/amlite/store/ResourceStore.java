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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * Resources as rows keyed by their lower-cased id. Writes check the etag they were based on, so two writers
 * never silently overwrite each other. Subtrees are found by id prefix, which is what makes group deletion a
 * single statement inside one transaction. Below a {@link Relocatable} resource (an ML workspace) rows are keyed
 * by the resource's anchor instead of its place (V6__anchors.sql), so that moving it rewrites two rows whatever
 * lies below it; callers see ARM ids only.
 */
public final class ResourceStore {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceStore.class);
    private static final String COLUMNS =
            "r.id, r.anchor, a.id AS anchor_id, r.location, r.body, r.etag, r.state, r.created_at, r.updated_at";
    private static final String FROM = " FROM resources r LEFT JOIN anchors a ON a.anchor = r.anchor";
    private static final String FROM_ANCHORED = " FROM anchors a JOIN resources r ON r.anchor = a.anchor";
    private final Jdbi jdbi;
    private final StoreVendor vendor;
    private final Clock clock;
    private final Anchoring anchoring;

    public ResourceStore(Database database, Clock clock) {
        this(database, clock, List.of());
    }

    public ResourceStore(Database database, Clock clock, List<Relocatable> relocatable) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
        this.vendor = database.vendor();
        this.clock = requireNonNull(clock, "clock is null");
        this.anchoring = new Anchoring(relocatable);
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
        String json = Json.write(body);
        String top = anchoring.topAbove(id.key());
        try {
            if (top == null) {
                jdbi.useTransaction(handle -> {
                    insertRow(handle, id, location, json, etag, now).execute();
                    if (anchoring.isTop(id.key()) && anchorAt(handle, id.key()).isEmpty()) {
                        insertAnchor(handle, id);
                    }
                });
            } else {
                // Below a relocatable resource: the anchor is looked up by the INSERT itself; a resource without one
                // yet (its rows all gone, or not created) gets one first.
                ResourceId topId = topOf(id);
                String marked = anchoring.marked(json, topId);
                boolean inserted = jdbi.withHandle(handle -> insertBelow(handle, id, topId, location, marked, etag, now) > 0);
                if (!inserted) {
                    jdbi.useTransaction(handle -> {
                        if (anchorAt(handle, top).isEmpty()) {
                            insertAnchor(handle, topId);
                        }
                        insertBelow(handle, id, topId, location, marked, etag, now);
                    });
                }
            }
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw ArmException.alreadyMade(id);
            }
            throw e;
        }
        return new StoredResource(id, location, body, etag, ResourceState.ACTIVE, now, now);
    }

    private static org.jdbi.v3.core.statement.Update insertRow(Handle handle, ResourceId id, String location, String body,
                                                                String etag, Instant now) {
        return handle.createUpdate("""
                INSERT INTO resources (id_key, id, parent_key, type_key, subscription_key, group_key, name, location,
                    body, state, etag, created_at, updated_at)
                VALUES (:key, :id, :parent, :type, :subscription, :group, :name, :location, :body, 'ACTIVE', :etag, :now, :now)""")
                .bind("key", id.key()).bind("id", id.id())
                .bind("parent", id.scope() == null ? null : id.scope().toLowerCase(Locale.ROOT))
                .bind("type", id.typeKey()).bind("subscription", lower(id.subscriptionId()))
                .bind("group", lower(id.resourceGroup())).bind("name", id.name()).bind("location", location)
                .bind("body", body).bind("etag", etag).bind("now", now);
    }

    /** Inserts a row below the relocatable resource {@code topId}; 0 when that has no anchor. */
    private static int insertBelow(Handle handle, ResourceId id, ResourceId topId, String location, String body,
                                   String etag, Instant now) {
        String top = topId.key();
        String parent = id.scope().toLowerCase(Locale.ROOT);
        boolean direct = parent.equals(top);
        return handle.createUpdate("INSERT INTO resources (id_key, id, parent_key, type_key, name, location, body, state, "
                        + "etag, created_at, updated_at, anchor) SELECT anchor || :rest, anchor || :restId, "
                        + (direct ? "anchor" : "anchor || :parentRest") + ", :type, :name, :location, :body, 'ACTIVE', "
                        + ":etag, :now, :now, anchor FROM anchors WHERE id_key = :top")
                .bind("rest", id.key().substring(top.length())).bind("restId", id.id().substring(topId.id().length()))
                .bind("type", id.typeKey()).bind("name", id.name()).bind("location", location).bind("body", body)
                .bind("etag", etag).bind("now", now).bind("top", top)
                .bindMap(direct ? java.util.Map.of() : java.util.Map.of("parentRest", parent.substring(top.length())))
                .execute();
    }

    /**
     * Replaces the document of an existing row. {@code expectedEtag} is the etag the caller read; when another
     * writer got there first this fails with PreconditionFailed instead of losing their change.
     */
    public StoredResource replace(StoredResource current, String location, ObjectNode document) {
        Instant now = clock.instant();
        String etag = newEtag();
        ObjectNode body = withIdentity(current.id(), document, etag);
        String key = current.id().key();
        String json = Json.write(body);
        int updated = jdbi.withHandle(handle -> bindRowKey(handle.createUpdate("UPDATE resources SET body = :body, "
                        + "location = :location, etag = :etag, updated_at = :now WHERE id_key = " + rowKey(key) + " AND etag = :expected"), key)
                .bind("body", anchoring.topAbove(key) == null ? json : anchoring.marked(json, topOf(current.id())))
                .bind("location", location)
                .bind("etag", etag)
                .bind("now", now)
                .bind("expected", current.etag())
                .execute());
        if (updated == 0) {
            throw new ArmException(ErrorCode.PreconditionFailed, "The resource '" + current.id().id()
                    + "' was changed by another request while this one ran. Read it again and retry.");
        }
        return new StoredResource(current.id(), location, body, etag, current.state(), current.createdAt(), now);
    }

    public void setState(ResourceId id, ResourceState state) {
        jdbi.useHandle(handle -> bindRowKey(handle.createUpdate(
                        "UPDATE resources SET state = :state, updated_at = :now WHERE id_key = " + rowKey(id.key())), id.key())
                .bind("state", state.name()).bind("now", clock.instant()).execute());
    }

    /** Deletes one row. Returns false when there was none (deleting a missing resource is not an error in ARM). */
    public boolean delete(ResourceId id) {
        return jdbi.inTransaction(handle -> {
            boolean deleted = bindRowKey(handle.createUpdate("DELETE FROM resources WHERE id_key = " + rowKey(id.key())),
                    id.key()).execute() > 0;
            if (anchoring.isTop(id.key())) {
                handle.createUpdate("DELETE FROM anchors WHERE id_key = :key AND NOT EXISTS "
                        + "(SELECT 1 FROM resources WHERE resources.anchor = anchors.anchor)").bind("key", id.key()).execute();
            }
            return deleted;
        });
    }

    /** Deletes a resource and everything below it in one statement. Returns the number of rows removed. */
    public int deleteTree(ResourceId id) {
        return jdbi.inTransaction(handle -> deleteTree(handle, id));
    }

    /**
     * As {@link #deleteTree(ResourceId)}, only while the resource's etag is {@code expectedEtag} (the version a
     * conditional DELETE was checked against): another writer's change in between fails it with PreconditionFailed.
     * The check locks the row until the delete commits.
     */
    public int deleteTree(ResourceId id, String expectedEtag) {
        return jdbi.inTransaction(handle -> {
            String key = id.key();
            int held = bindRowKey(handle.createUpdate("UPDATE resources SET etag = etag WHERE id_key = " + rowKey(key)
                    + " AND etag = :expected"), key).bind("expected", expectedEtag).execute();
            if (held == 0) {
                throw new ArmException(ErrorCode.PreconditionFailed, "The resource '" + id.id() + "' was changed or "
                        + "deleted by another request since it was read (etag " + expectedEtag + "). Read it again "
                        + "and retry.");
            }
            return deleteTree(handle, id);
        });
    }

    private int deleteTree(org.jdbi.v3.core.Handle handle, ResourceId id) {
        handle.createUpdate("DELETE FROM secrets WHERE owner_key = :key OR owner_key LIKE :prefix ESCAPE '\\'")
                .bind("key", id.key())
                .bind("prefix", likePrefix(id.key()))
                .execute();
        if (anchoring.topAbove(id.key()) != null) {
            Optional<String> stored = storedKey(handle, id.key());
            return stored.isEmpty() ? 0 : handle.createUpdate(
                            "DELETE FROM resources WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\'")
                    .bind("key", stored.get())
                    .bind("prefix", likePrefix(stored.get()))
                    .execute();
        }
        int removed = handle.createUpdate("DELETE FROM resources WHERE anchor IN (SELECT anchor FROM anchors "
                        + "WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\')")
                .bind("key", id.key()).bind("prefix", likePrefix(id.key())).execute();
        handle.createUpdate("DELETE FROM anchors WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\'")
                .bind("key", id.key()).bind("prefix", likePrefix(id.key())).execute();
        return removed + handle.createUpdate(
                        "DELETE FROM resources WHERE id_key = :key OR id_key LIKE :prefix ESCAPE '\\'")
                .bind("key", id.key())
                .bind("prefix", likePrefix(id.key()))
                .execute();
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
     * subscription) in one transaction (RM-7, MV-5): every row gets its new id, parent, subscription and group;
     * every reference to any moved resource's old id inside a moved document is rewritten, as are the
     * {@code rewrites} the caller knows of, and the secrets of each row follow it. Rows whose type is in
     * {@code stayingTypeKeys} stay where they are (what a move leaves behind). A row already at a new id is a
     * Conflict and nothing moves. Rows whose type is in {@code droppedTypeKeys} are deleted (role assignments scoped
     * to a moved resource) and returned. Last, {@code edit} changes each moved root's document, in the same
     * transaction: a crash leaves either none of it or all of it.
     * <p>
     * Below a {@link Relocatable} root the rows stay as they are: its anchor takes the new place, and only rows
     * that still spell an old id out (written before V6, or naming another moved root) are rewritten. Other roots'
     * subtrees are rewritten by set-based statements inside the database (no row travels to the server and back),
     * with a new etag. What that costs on H2 and PostgreSQL is in docs/benchmarks.md (bench/moves.sh).
     */
    public MovedTree moveTrees(List<MoveRoot> roots, java.util.Set<String> stayingTypeKeys,
                               java.util.Set<String> droppedTypeKeys, List<Rewrite> rewrites, RootEdit edit) {
        List<Rewrite> all = new java.util.ArrayList<>();
        roots.forEach(root -> all.add(new Rewrite(root.source().id(), root.target().id())));
        all.addAll(rewrites);
        MoveStatements statements = new MoveStatements(all);
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
                    if (find(handle, source.key(), ResourceState.ACTIVE).isEmpty()) {
                        throw ArmException.notFound(source);
                    }
                    Optional<String> anchor = anchoring.isTop(source.key()) ? anchorAt(handle, source.key()) : Optional.empty();
                    List<StoredResource> dropped = droppedTypeKeys.isEmpty() ? List.of() : handle.createQuery("SELECT "
                                    + COLUMNS + FROM + " WHERE " + (anchor.isPresent() ? "r.anchor = :at"
                                    : "r.id_key LIKE :at ESCAPE '\\'") + " AND r.type_key IN (<types>)")
                            .bind("at", anchor.orElse(likePrefix(source.key())))
                            .bindList("types", List.copyOf(droppedTypeKeys))
                            .map(this::map).list();
                    for (StoredResource row : dropped) {
                        handle.createUpdate("DELETE FROM resources WHERE id_key = :key")
                                .bind("key", storedKey(handle, row.id().key()).orElseThrow()).execute();
                        handle.createUpdate("DELETE FROM secrets WHERE owner_key = :key").bind("key", row.id().key()).execute();
                    }
                    droppedAll.addAll(dropped);
                    droppedByRoot.put(root, dropped);
                    String etag = newEtag();
                    moved += anchor.isPresent()
                            ? moveAnchored(handle, root, anchor.get(), staying, statements, etag, now)
                            : moveRows(handle, root, staying, statements, etag, now);
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
                throw conflict(current, roots.size());
            }
            throw e;
        }
    }

    private static ArmException conflict(MoveRoot current, int roots) {
        return new ArmException(ErrorCode.Conflict, "Something already exists at the target of the move of '"
                + current.source().id() + (roots > 1 ? "' (and the other resources moving with it)" : "'")
                + " to '" + current.target().id() + "'; nothing was moved.");
    }

    /**
     * A relocatable root: the rows that stay go under a new anchor at the old place, rows left at the target by an
     * earlier move join the moving anchor, the anchor takes the new place, and of the rows below it only those
     * that spell an old id out are rewritten. Returns the rows now below the target, the root included.
     */
    private int moveAnchored(Handle handle, MoveRoot root, String anchor, List<String> staying, MoveStatements statements,
                             String etag, Instant now) {
        ResourceId source = root.source();
        ResourceId target = root.target();
        if (handle.createQuery("SELECT COUNT(*) FROM resources WHERE id_key = :key").bind("key", target.key())
                .mapTo(Integer.class).one() > 0) {
            throw new ArmException(ErrorCode.Conflict, "'" + target.id() + "' already exists; nothing was moved. Move "
                    + "to a group without a resource of that type and name, or delete that one first.");
        }
        // Secrets are kept by ARM id: they follow every row but the staying ones.
        handle.createUpdate("""
                UPDATE secrets SET owner_key = :newKey || SUBSTRING(owner_key FROM :cut)
                WHERE (owner_key = :key OR owner_key LIKE :prefix ESCAPE '\\')
                  AND owner_key NOT IN (SELECT :key || SUBSTRING(id_key FROM :anchorCut) FROM resources
                                        WHERE anchor = :anchor AND type_key IN (<staying>))""")
                .bind("newKey", target.key()).bind("cut", source.key().length() + 1).bind("key", source.key())
                .bind("prefix", likePrefix(source.key())).bind("anchorCut", anchor.length() + 1).bind("anchor", anchor)
                .bindList("staying", staying).execute();
        String behind = newAnchor();
        int left = reanchor(handle, anchor, behind, staying);
        Optional<String> earlier = anchorAt(handle, target.key());
        if (earlier.isPresent()) {
            reanchor(handle, earlier.get(), anchor, null);
            handle.createUpdate("DELETE FROM anchors WHERE anchor = :anchor").bind("anchor", earlier.get()).execute();
        }
        handle.createUpdate("UPDATE anchors SET id_key = :key, id = :id, subscription_key = :subscription, "
                        + "group_key = :group WHERE anchor = :anchor")
                .bind("key", target.key()).bind("id", target.id()).bind("subscription", lower(target.subscriptionId()))
                .bind("group", lower(target.resourceGroup())).bind("anchor", anchor).execute();
        if (left > 0) {
            insertAnchor(handle, behind, source);
        }
        // The root's own row, like any other moved row.
        moveRows(handle, root, List.of(), statements, etag, now, "id_key = :key");
        // Below it: only what still names an old id in text (its markers read as the new place by themselves).
        var rest = handle.createUpdate("UPDATE resources SET body = " + statements.regexRewritten(vendor, statements.rewritten())
                        + ", etag = :etag, updated_at = :now WHERE id_key IN (SELECT id_key FROM (SELECT id_key, "
                        + asciiLower() + " AS lowered FROM resources WHERE anchor = :anchor) moved WHERE "
                        + statements.leftover() + ")")
                .bind("anchor", anchor).bind("etag", etag).bind("now", now);
        statements.bindRewritten(rest, etag);
        statements.bindRegex(rest, vendor);
        rest.execute();
        return 1 + handle.createQuery("SELECT COUNT(*) FROM resources WHERE anchor = :anchor").bind("anchor", anchor)
                .mapTo(Integer.class).one();
    }

    /** Moves the rows of {@code from} (only those of the {@code types}, when given) below the anchor {@code to}. */
    private static int reanchor(Handle handle, String from, String to, List<String> types) {
        var update = handle.createUpdate("UPDATE resources SET anchor = :to, id_key = :to || SUBSTRING(id_key FROM :cut), "
                        + "id = :to || SUBSTRING(id FROM :cut), parent_key = CASE WHEN parent_key = :from THEN :to "
                        + "ELSE :to || SUBSTRING(parent_key FROM :cut) END WHERE anchor = :from"
                        + (types == null ? "" : " AND type_key IN (<types>)"))
                .bind("to", to).bind("from", from).bind("cut", from.length() + 1);
        if (types != null) {
            update.bindList("types", types);
        }
        return update.execute();
    }

    private int moveRows(Handle handle, MoveRoot root, List<String> staying, MoveStatements statements, String etag,
                         Instant now) {
        ResourceId source = root.source();
        handle.createUpdate("""
                UPDATE secrets SET owner_key = :newKey || SUBSTRING(owner_key FROM :cut)
                WHERE (owner_key = :key OR owner_key LIKE :prefix ESCAPE '\\')
                  AND owner_key NOT IN (SELECT id_key FROM resources WHERE subscription_key = :subscription
                                        AND group_key = :group AND type_key IN (<staying>))""")
                .bind("newKey", root.target().key()).bind("cut", source.key().length() + 1).bind("key", source.key())
                .bind("prefix", likePrefix(source.key())).bind("subscription", lower(source.subscriptionId()))
                .bind("group", lower(source.resourceGroup())).bindList("staying", staying).execute();
        return moveRows(handle, root, staying, statements, etag, now,
                "(id_key = :key OR id_key LIKE :prefix ESCAPE '\\') AND type_key NOT IN (<staying>)");
    }

    /** Gives the rows {@code which} selects their new place and rewrites the references in them. */
    private int moveRows(Handle handle, MoveRoot root, List<String> staying, MoveStatements statements, String etag,
                         Instant now, String which) {
        ResourceId source = root.source();
        ResourceId target = root.target();
        int cut = source.key().length() + 1;
        var update = handle.createUpdate("UPDATE resources SET id_key = :newKey || SUBSTRING(id_key FROM :cut), "
                        + "id = :newId || SUBSTRING(id FROM :cut), "
                        + "parent_key = CASE WHEN id_key = :key THEN :rootParent "
                        + "ELSE :newKey || SUBSTRING(parent_key FROM :cut) END, "
                        + "subscription_key = :subscription, group_key = :group, body = " + statements.rewritten() + ", "
                        + "etag = :etag, updated_at = :now WHERE " + which)
                .bind("newKey", target.key()).bind("newId", target.id()).bind("cut", cut)
                .bind("key", source.key())
                .bind("rootParent", target.scope() == null ? null : target.scope().toLowerCase(Locale.ROOT))
                .bind("subscription", lower(target.subscriptionId())).bind("group", lower(target.resourceGroup()))
                .bind("etag", etag).bind("now", now);
        if (which.contains(":prefix")) {
            update.bind("prefix", likePrefix(source.key())).bindList("staying", staying);
        }
        statements.bindRewritten(update, etag);
        int moved = update.execute();
        // Each moved document lower-cased once, however many references are looked for in it.
        var rest = handle.createUpdate("UPDATE resources SET body = " + statements.regexRewritten(vendor, "body")
                        + " WHERE id_key IN (SELECT id_key FROM (SELECT id_key, " + asciiLower() + " AS lowered FROM resources "
                        + "WHERE id_key = :newKey OR id_key LIKE :newPrefix ESCAPE '!') moved WHERE " + statements.leftover() + ")")
                .bind("newKey", target.key()).bind("newPrefix", likeEscaped(target.key()) + "/%");
        statements.bindRegex(rest, vendor);
        rest.execute();
        return moved;
    }

    /** References are ASCII: PostgreSQL's "C" collation lower-cases only A-Z, many times faster than a locale's. */
    private String asciiLower() {
        return vendor == StoreVendor.POSTGRESQL ? "LOWER(body COLLATE \"C\")" : "LOWER(body)";
    }

    /**
     * The SQL of a move's rewrites: references as they were written (the common case) by plain REPLACE, which is
     * fast; what is left in another letter case by a case-insensitive regular expression, only in the rows that
     * still hold some; the document's own etag member replaced by the new etag.
     */
    private record MoveStatements(List<Rewrite> all) {
        String rewritten() {
            String rewritten = "body";
            for (int i = 0; i < all.size(); i++) {
                for (int b = 0; b < BOUNDARIES.length(); b++) {
                    rewritten = "REPLACE(" + rewritten + ", :from" + i + "_" + b + ", :to" + i + "_" + b + ")";
                }
            }
            // The document's own etag is the etag column's value with its quotes escaped, as JSON writes it.
            return "REPLACE(" + rewritten + ", :etagMember || REPLACE(etag, :quote, :escapedQuote) || :quote, :newEtagMember)";
        }

        String regexRewritten(StoreVendor vendor, String body) {
            String regexBody = body;
            for (int i = 0; i < all.size(); i++) {
                regexBody = vendor == StoreVendor.POSTGRESQL
                        ? "regexp_replace(" + regexBody + ", :pattern" + i + ", :replacement" + i + ", 'gi')"
                        : "REGEXP_REPLACE(" + regexBody + ", :pattern" + i + ", :replacement" + i + ", 'i')";
            }
            return regexBody;
        }

        String leftover() {
            StringBuilder leftover = new StringBuilder();
            for (int i = 0; i < all.size(); i++) {
                for (int b = 0; b < BOUNDARIES.length(); b++) {
                    leftover.append(leftover.isEmpty() ? "" : " OR ")
                            .append("POSITION(:contains").append(i).append('_').append(b).append(" IN lowered) > 0");
                }
            }
            return leftover.toString();
        }

        void bindRewritten(org.jdbi.v3.core.statement.Update update, String etag) {
            for (int i = 0; i < all.size(); i++) {
                for (int b = 0; b < BOUNDARIES.length(); b++) {
                    char boundary = BOUNDARIES.charAt(b);
                    update.bind("from" + i + "_" + b, all.get(i).from() + boundary)
                            .bind("to" + i + "_" + b, all.get(i).to() + boundary);
                }
            }
            update.bind("etagMember", "\"etag\":\"").bind("quote", "\"").bind("escapedQuote", "\\\"")
                    .bind("newEtagMember", "\"etag\":\"" + etag.replace("\"", "\\\"") + "\"");
        }

        void bindRegex(org.jdbi.v3.core.statement.Update update, StoreVendor vendor) {
            for (int i = 0; i < all.size(); i++) {
                update.bind("pattern" + i, regex(all.get(i).from())).bind("replacement" + i, replacement(vendor, all.get(i).to()));
                for (int b = 0; b < BOUNDARIES.length(); b++) {
                    update.bind("contains" + i + "_" + b, all.get(i).from().toLowerCase(Locale.ROOT) + BOUNDARIES.charAt(b));
                }
            }
        }
    }

    /** Text for LIKE with '!' as the escape (a backslash escape beside another quoted literal confuses JDBI's parser). */
    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** What may follow a reference a move rewrites. */
    private static final String BOUNDARIES = "/\"?";

    /**
     * A pattern both H2 (Java's regular expressions) and PostgreSQL (its advanced ones) read alike: every ASCII
     * character but letters and digits escaped, then a look-ahead for the end of the reference.
     */
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
    private static String replacement(StoreVendor vendor, String text) {
        return vendor == StoreVendor.POSTGRESQL
                ? text.replace("\\", "\\\\")
                : java.util.regex.Matcher.quoteReplacement(text);
    }

    /**
     * Moves a resource and everything below it from one state to another in one statement: soft delete hides a
     * subtree and keeps its name taken; recovery brings it back whole.
     */
    public int setTreeState(ResourceId id, ResourceState from, ResourceState to) {
        return jdbi.inTransaction(handle -> {
            String sql = "UPDATE resources SET state = :to, updated_at = :now WHERE (%s) AND state = :from";
            if (anchoring.topAbove(id.key()) != null) {
                Optional<String> stored = storedKey(handle, id.key());
                return stored.isEmpty() ? 0 : handle.createUpdate(sql.formatted("id_key = :key OR id_key LIKE :prefix ESCAPE '\\'"))
                        .bind("to", to.name()).bind("from", from.name()).bind("now", clock.instant())
                        .bind("key", stored.get()).bind("prefix", likePrefix(stored.get())).execute();
            }
            int anchored = handle.createUpdate(sql.formatted("anchor IN (SELECT anchor FROM anchors WHERE id_key = :key "
                            + "OR id_key LIKE :prefix ESCAPE '\\')"))
                    .bind("to", to.name()).bind("from", from.name()).bind("now", clock.instant())
                    .bind("key", id.key()).bind("prefix", likePrefix(id.key())).execute();
            return anchored + handle.createUpdate(sql.formatted("id_key = :key OR id_key LIKE :prefix ESCAPE '\\'"))
                    .bind("to", to.name()).bind("from", from.name()).bind("now", clock.instant())
                    .bind("key", id.key()).bind("prefix", likePrefix(id.key())).execute();
        });
    }

    /** Resources of a type with a name, anywhere and in any state: names that must be unique across the service. */
    public List<StoredResource> findByTypeAndName(String typeKey, String name) {
        return jdbi.withHandle(handle -> sorted(handle.createQuery("SELECT " + COLUMNS + FROM
                        + " WHERE r.type_key = :type AND LOWER(r.name) = :name")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .bind("name", name.toLowerCase(Locale.ROOT))
                .map(this::map)
                .list()));
    }

    /** Resources of a type in a state, anywhere (soft-deleted workspaces and vaults for the purge sweep). */
    public List<StoredResource> listByTypeInState(String typeKey, ResourceState state) {
        return jdbi.withHandle(handle -> sorted(handle.createQuery("SELECT " + COLUMNS + FROM
                        + " WHERE r.type_key = :type AND r.state = :state")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .bind("state", state.name())
                .map(this::map)
                .list()));
    }

    public List<StoredResource> listChildren(ResourceId parent, String typeKey) {
        return listChildren(parent, typeKey, " ORDER BY r.id_key");
    }

    /**
     * The children of a type newest first (ties by id), at most {@code limit} ({@link Integer#MAX_VALUE}: all): the
     * first of a long list without reading the rest (a job list's {@code $top}).
     */
    public List<StoredResource> listNewestChildren(ResourceId parent, String typeKey, int limit) {
        return listNewestChildren(parent, typeKey, limit, 0);
    }

    /** As {@link #listNewestChildren(ResourceId, String, int)}, after skipping the {@code offset} newest. */
    public List<StoredResource> listNewestChildren(ResourceId parent, String typeKey, int limit, long offset) {
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must be 0 or more; " + limit + " and " + offset
                    + " were given");
        }
        return listChildren(parent, typeKey, " ORDER BY r.created_at DESC, r.id_key"
                + (limit == Integer.MAX_VALUE ? "" : " LIMIT " + limit) + (offset == 0 ? "" : " OFFSET " + offset));
    }

    private List<StoredResource> listChildren(ResourceId parent, String typeKey, String order) {
        String key = parent.key();
        String parentSql = anchoring.isTop(key) ? "(SELECT anchor FROM anchors WHERE id_key = :keyTop)" : rowKey(key);
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery("SELECT " + COLUMNS + FROM + " WHERE r.parent_key = " + parentSql
                            + " AND r.type_key = :type AND r.state = 'ACTIVE'" + order)
                    .bind("type", typeKey.toLowerCase(Locale.ROOT));
            if (anchoring.isTop(key)) {
                query.bind("keyTop", key);
            } else {
                bindRowKey(query, key);
            }
            return query.map(this::map).list();
        });
    }

    /** Every resource of a subscription (optionally of one type), resource groups included only when asked. */
    public List<StoredResource> listInSubscription(String subscriptionId, String typeKey) {
        String filter = " AND r.state = 'ACTIVE'" + (typeKey == null
                ? " AND r.type_key NOT IN ('microsoft.resources/resourcegroups')" : " AND r.type_key = :type");
        return jdbi.withHandle(handle -> {
            List<StoredResource> found = new java.util.ArrayList<>();
            for (String sql : List.of("SELECT " + COLUMNS + FROM + " WHERE r.subscription_key = :subscription" + filter,
                    "SELECT " + COLUMNS + FROM_ANCHORED + " WHERE a.subscription_key = :subscription" + filter)) {
                var query = handle.createQuery(sql).bind("subscription", lower(subscriptionId));
                if (typeKey != null) {
                    query.bind("type", typeKey.toLowerCase(Locale.ROOT));
                }
                found.addAll(query.map(this::map).list());
            }
            return sorted(found);
        });
    }

    /** Resources inside a group (not the group itself), optionally of one type. */
    public List<StoredResource> listInGroup(String subscriptionId, String group, String typeKey) {
        String filter = " AND r.state = 'ACTIVE' AND r.type_key <> 'microsoft.resources/resourcegroups'"
                + (typeKey == null ? "" : " AND r.type_key = :type");
        return jdbi.withHandle(handle -> {
            List<StoredResource> found = new java.util.ArrayList<>();
            for (String sql : List.of("SELECT " + COLUMNS + FROM + " WHERE r.subscription_key = :subscription"
                            + " AND r.group_key = :group" + filter,
                    "SELECT " + COLUMNS + FROM_ANCHORED + " WHERE a.subscription_key = :subscription AND a.group_key = :group"
                            + filter)) {
                var query = handle.createQuery(sql).bind("subscription", lower(subscriptionId)).bind("group", lower(group));
                if (typeKey != null) {
                    query.bind("type", typeKey.toLowerCase(Locale.ROOT));
                }
                found.addAll(query.map(this::map).list());
            }
            return sorted(found);
        });
    }

    /** Resources of a type anywhere, e.g. every role assignment; small types only. */
    public List<StoredResource> listByType(String typeKey) {
        return jdbi.withHandle(handle -> sorted(handle.createQuery("SELECT " + COLUMNS + FROM
                        + " WHERE r.type_key = :type AND r.state = 'ACTIVE'")
                .bind("type", typeKey.toLowerCase(Locale.ROOT))
                .map(this::map)
                .list()));
    }

    /** Resources of a type attached at any of the given scopes (ids lower-cased): RBAC and policy lookups. */
    public List<StoredResource> listByTypeAtScopes(String typeKey, List<String> scopeKeys) {
        return jdbi.withHandle(handle -> {
            List<String> parents = scopeKeys.stream().flatMap(key -> parentKey(handle, key).stream()).toList();
            if (parents.isEmpty()) {
                return List.of();
            }
            return handle.createQuery("SELECT " + COLUMNS + FROM
                            + " WHERE r.type_key = :type AND r.parent_key IN (<scopes>) AND r.state = 'ACTIVE'")
                    .bind("type", typeKey.toLowerCase(Locale.ROOT))
                    .bindList("scopes", parents)
                    .map(this::map)
                    .list();
        });
    }

    public long countInGroup(String subscriptionId, String group) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM resources WHERE subscription_key = :s"
                        + " AND group_key = :g AND type_key <> 'microsoft.resources/resourcegroups'")
                .bind("s", lower(subscriptionId)).bind("g", lower(group)).mapTo(Long.class).one()
                + handle.createQuery("SELECT COUNT(*)" + FROM_ANCHORED + " WHERE a.subscription_key = :s AND a.group_key = :g")
                .bind("s", lower(subscriptionId)).bind("g", lower(group)).mapTo(Long.class).one());
    }

    /**
     * Puts the rows below relocatable resources written before V6 below anchors, and marks the references to
     * the resource in their documents where they spell its id as it is written (other spellings stay text, and
     * a move rewrites them). Idempotent; returns how many rows it moved. Called once at startup.
     */
    public int anchorSubtrees() {
        if (anchoring.isEmpty()) {
            return 0;
        }
        List<ResourceId> tops = jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM resources WHERE type_key IN "
                        + "(<types>) AND anchor IS NULL AND id_key NOT IN (SELECT id_key FROM anchors)")
                .bindList("types", anchoring.typeKeys()).mapTo(String.class).list()).stream().map(ResourceId::parse).toList();
        int moved = 0;
        for (ResourceId top : tops) {
            moved += jdbi.inTransaction(handle -> {
                String anchor = insertAnchor(handle, top);
                String body = "body";
                List<String> literal = anchoring.literalForms(top);
                List<String> marked = anchoring.markedForms(top);
                for (int i = 0; i < literal.size(); i++) {
                    for (int b = 0; b < BOUNDARIES.length(); b++) {
                        body = "REPLACE(" + body + ", :from" + i + "_" + b + ", :to" + i + "_" + b + ")";
                    }
                }
                var update = handle.createUpdate("UPDATE resources SET anchor = :anchor, "
                                + "id_key = :anchor || SUBSTRING(id_key FROM :cut), id = :anchor || SUBSTRING(id FROM :idCut), "
                                + "parent_key = CASE WHEN parent_key = :key THEN :anchor ELSE :anchor || SUBSTRING(parent_key FROM :cut) END, "
                                + "subscription_key = NULL, group_key = NULL, body = " + body
                                + " WHERE id_key LIKE :prefix ESCAPE '\\' AND anchor IS NULL")
                        .bind("anchor", anchor).bind("cut", top.key().length() + 1).bind("idCut", top.id().length() + 1)
                        .bind("key", top.key())
                        .bind("prefix", likePrefix(top.key()));
                for (int i = 0; i < literal.size(); i++) {
                    for (int b = 0; b < BOUNDARIES.length(); b++) {
                        update.bind("from" + i + "_" + b, literal.get(i) + BOUNDARIES.charAt(b))
                                .bind("to" + i + "_" + b, marked.get(i) + BOUNDARIES.charAt(b));
                    }
                }
                return update.execute();
            });
        }
        if (moved > 0) {
            LOG.info("Put {} rows below the anchors of {} relocatable resources", moved, tops.size());
        }
        return moved;
    }

    /**
     * The stored key of the row of this ARM key: the key, or below a relocatable resource its anchor and the rest;
     * empty when it is below a relocatable resource that has no anchor.
     */
    private Optional<String> storedKey(Handle handle, String key) {
        String top = anchoring.topAbove(key);
        if (top == null) {
            return Optional.of(key);
        }
        return anchorAt(handle, top).map(anchor -> anchor + key.substring(top.length()));
    }

    /**
     * The stored key of the row of an ARM key, as SQL: {@code :key}, or below a relocatable resource its anchor,
     * looked up in the same statement (an index lookup each on H2 and PostgreSQL), and {@code :key} as the rest.
     * No anchor makes it NULL, which matches no row.
     */
    private String rowKey(String key) {
        return anchoring.topAbove(key) == null ? ":key" : "(SELECT anchor FROM anchors WHERE id_key = :keyTop) || :key";
    }

    private <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindRowKey(T statement, String key) {
        String top = anchoring.topAbove(key);
        return top == null ? statement.bind("key", key) : statement.bind("keyTop", top).bind("key", key.substring(top.length()));
    }

    /** What the rows directly below this ARM key hold as parent_key: a relocatable resource's children its anchor. */
    private Optional<String> parentKey(Handle handle, String key) {
        return anchoring.isTop(key) ? anchorAt(handle, key) : storedKey(handle, key);
    }

    private static Optional<String> anchorAt(Handle handle, String key) {
        return handle.createQuery("SELECT anchor FROM anchors WHERE id_key = :key").bind("key", key)
                .mapTo(String.class).findOne();
    }

    private static String insertAnchor(Handle handle, ResourceId at) {
        return insertAnchor(handle, newAnchor(), at);
    }

    private static String insertAnchor(Handle handle, String anchor, ResourceId at) {
        handle.createUpdate("INSERT INTO anchors (anchor, id_key, id, subscription_key, group_key) "
                        + "VALUES (:anchor, :key, :id, :subscription, :group)")
                .bind("anchor", anchor).bind("key", at.key()).bind("id", at.id())
                .bind("subscription", lower(at.subscriptionId())).bind("group", lower(at.resourceGroup())).execute();
        return anchor;
    }

    private static String newAnchor() {
        return "@" + UUID.randomUUID();
    }

    /** The relocatable resource above {@code id}, as {@code id} spells it. */
    private ResourceId topOf(ResourceId id) {
        // Cut where the id's own segments end: lower-casing may change a name's length (a group named with 'İ').
        return ResourceId.parse(anchoring.topAbove(id.id()));
    }

    private static List<StoredResource> sorted(List<StoredResource> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(row -> row.id().key())).toList();
    }

    private Optional<StoredResource> find(Handle handle, String key, ResourceState state) {
        return bindRowKey(handle.createQuery("SELECT " + COLUMNS + FROM + " WHERE r.id_key = " + rowKey(key)
                        + " AND r.state = :state"), key)
                .bind("state", state.name())
                .map(this::map)
                .findOne();
    }

    private StoredResource map(ResultSet row, StatementContext context) throws SQLException {
        String id = row.getString("id");
        String text = row.getString("body");
        String anchor = row.getString("anchor");
        if (anchor != null) {
            String top = row.getString("anchor_id");
            id = top + id.substring(anchor.length());
            text = Anchoring.rendered(text, ResourceId.parse(top));
        }
        ObjectNode body;
        try {
            body = (ObjectNode) Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("Stored document of " + id + " is not JSON", e);
        }
        return new StoredResource(ResourceId.parse(id), row.getString("location"), body,
                row.getString("etag"), ResourceState.valueOf(row.getString("state")),
                StoredTimes.read(row, "created_at"), StoredTimes.read(row, "updated_at"));
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
