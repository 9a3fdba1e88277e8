package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import static java.util.Objects.requireNonNull;

/**
 * Cuts a list answer into ARM pages: at most {@code pageSize} items in {@code value} and a {@code nextLink} (this
 * URL with {@code $skipToken}) while more follow, as Azure's lists do and as ARM clients follow.
 *
 * <p>Handlers stay unaware: they answer the whole list in their order and this takes the page out of it. So that a
 * long list costs its work once and not once a page, the items after the first page are kept (serialized, for a
 * few minutes, within a memory budget) as a snapshot that the following pages are served from: the caller gets one
 * consistent list. The token names the snapshot, the last item given (its {@code id}) and how many were given; when
 * the snapshot is gone (expired, evicted, or another server replica answers), the list is made again and the page
 * starts right after that item, or, if that item is gone too, by count.
 */
public final class ListPages {
    public static final int DEFAULT_PAGE_SIZE = 1000;
    public static final String SKIP_TOKEN = "$skipToken";
    /** How long a snapshot waits for its next page. */
    static final Duration SNAPSHOT_LIFETIME = Duration.ofMinutes(5);
    /** Characters of serialized items all snapshots together may hold (~64 MB); the oldest go first. */
    static final long SNAPSHOT_BUDGET = 64L * 1024 * 1024;

    private final int pageSize;
    private final Clock clock;
    private final long budget;
    /** Oldest first: eviction takes from the front. */
    private final LinkedHashMap<String, Snapshot> snapshots = new LinkedHashMap<>();
    private long held;

    public ListPages(int pageSize) {
        this(pageSize, Clock.systemUTC(), SNAPSHOT_BUDGET);
    }

    ListPages(int pageSize, Clock clock, long budget) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1; " + pageSize + " was given");
        }
        this.pageSize = pageSize;
        this.clock = requireNonNull(clock, "clock is null");
        this.budget = budget;
    }

    public int pageSize() {
        return pageSize;
    }

    /**
     * The page the request asks for. {@code list} makes the whole list (called only when no snapshot serves the
     * page); {@code caller} is whose list it is (a snapshot serves no one else); {@code url} is the request's URL
     * without its query, and {@code query} its parameters, which the next page's link repeats.
     */
    public ArmResponse page(Supplier<ArmResponse> list, String caller, String url, Map<String, String> query) {
        String token = tokenIn(query);
        Position position = token == null ? null : Position.decode(token);
        String listKey = caller + " " + url + "?" + new TreeMap<>(withoutToken(query));
        if (position != null && position.snapshot() != null) {
            Snapshot snapshot = snapshot(position.snapshot(), listKey);
            if (snapshot != null && position.given() >= snapshot.offset() && position.given() <= snapshot.total()) {
                return fromSnapshot(snapshot, position.given(), url, query);
            }
        }
        ArmResponse answer = list.get();
        if (answer.status() != 200 || answer.body() == null || !answer.body().path("value").isArray()) {
            return answer;
        }
        ArrayNode all = (ArrayNode) answer.body().get("value");
        int start = position == null ? 0 : start(all, position);
        if (start == 0 && all.size() <= pageSize) {
            return answer;
        }
        int end = Math.min(all.size(), start + pageSize);
        ObjectNode body = envelope(answer.body());
        ArrayNode page = body.putArray("value");
        for (int i = start; i < end; i++) {
            page.add(all.get(i));
        }
        if (end < all.size()) {
            String kept = keep(listKey, answer, all, end);
            body.put("nextLink", nextLink(url, query, new Position(kept, key(all.get(end - 1)), end)));
        }
        return new ArmResponse(answer.status(), body, answer.headers());
    }

    private ArmResponse fromSnapshot(Snapshot snapshot, int given, String url, Map<String, String> query) {
        int end = Math.min(snapshot.total(), given + pageSize);
        ObjectNode body = snapshot.envelope().deepCopy();
        ArrayNode page = body.putArray("value");
        for (int i = given; i < end; i++) {
            page.addRawValue(new RawValue(snapshot.item(i)));
        }
        if (end < snapshot.total()) {
            body.put("nextLink", nextLink(url, query, new Position(snapshot.id(), snapshot.key(end - 1), end)));
        } else {
            forget(snapshot.id());
        }
        return new ArmResponse(200, body, snapshot.headers());
    }

    /** Keeps the items from {@code from} on for the next pages; the snapshot's id, or null when over budget. */
    private synchronized String keep(String listKey, ArmResponse answer, ArrayNode all, int from) {
        List<String> items = new ArrayList<>(all.size() - from);
        List<String> keys = new ArrayList<>(all.size() - from);
        long size = 0;
        for (int i = from; i < all.size(); i++) {
            String item = Json.write(all.get(i));
            items.add(item);
            String key = key(all.get(i));
            keys.add(key);
            size += item.length() + (key == null ? 0 : key.length());
        }
        dropExpired();
        if (size > budget) {
            return null;
        }
        while (held + size > budget && !snapshots.isEmpty()) {
            forget(snapshots.keySet().iterator().next());
        }
        String id = UUID.randomUUID().toString();
        snapshots.put(id, new Snapshot(id, listKey, envelope(answer.body()), answer.headers(), from, items, keys,
                size, clock.instant().plus(SNAPSHOT_LIFETIME)));
        held += size;
        return id;
    }

    private synchronized Snapshot snapshot(String id, String listKey) {
        dropExpired();
        Snapshot snapshot = snapshots.get(id);
        return snapshot != null && snapshot.listKey().equals(listKey) ? snapshot : null;
    }

    private synchronized void forget(String id) {
        Snapshot gone = snapshots.remove(id);
        if (gone != null) {
            held -= gone.size();
        }
    }

    private void dropExpired() {
        Instant now = clock.instant();
        for (Iterator<Snapshot> it = snapshots.values().iterator(); it.hasNext(); ) {
            Snapshot snapshot = it.next();
            if (snapshot.expires().isBefore(now)) {
                it.remove();
                held -= snapshot.size();
            }
        }
    }

    /** How many snapshots are held: for tests. */
    synchronized int snapshotsHeld() {
        return snapshots.size();
    }

    /** The answer's body without its items and link: what every page repeats. */
    private static ObjectNode envelope(JsonNode body) {
        ObjectNode envelope = Json.object();
        body.properties().forEach(field -> {
            if (!field.getKey().equals("value") && !field.getKey().equals("nextLink")) {
                envelope.set(field.getKey(), field.getValue());
            }
        });
        return envelope;
    }

    private static int start(ArrayNode all, Position after) {
        if (after.lastKey() != null) {
            for (int i = 0; i < all.size(); i++) {
                if (after.lastKey().equals(key(all.get(i)))) {
                    return i + 1;
                }
            }
        }
        return Math.min(after.given(), all.size());
    }

    private static String key(JsonNode item) {
        if (item.path("id").isTextual()) {
            return item.get("id").asText();
        }
        return item.path("name").isTextual() ? item.get("name").asText() : null;
    }

    private static String tokenIn(Map<String, String> query) {
        for (Map.Entry<String, String> entry : query.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(SKIP_TOKEN)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static Map<String, String> withoutToken(Map<String, String> query) {
        Map<String, String> rest = new LinkedHashMap<>();
        query.forEach((name, value) -> {
            if (!name.equalsIgnoreCase(SKIP_TOKEN)) {
                rest.put(name, value);
            }
        });
        return rest;
    }

    private static String nextLink(String url, Map<String, String> query, Position next) {
        StringBuilder link = new StringBuilder(url);
        char separator = '?';
        for (Map.Entry<String, String> entry : withoutToken(query).entrySet()) {
            link.append(separator).append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
            separator = '&';
        }
        return link.append(separator).append(SKIP_TOKEN).append('=').append(next.encode()).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The items of a list after its first page, serialized, with their keys, kept for the pages that follow. */
    private record Snapshot(String id, String listKey, ObjectNode envelope, Map<String, String> headers, int offset,
                            List<String> items, List<String> keys, long size, Instant expires) {
        int total() {
            return offset + items.size();
        }

        String item(int index) {
            return items.get(index - offset);
        }

        String key(int index) {
            return keys.get(index - offset);
        }
    }

    /**
     * Where a page ended: the snapshot kept for the next pages (null when none was), its last item's id (or name)
     * and how many items were given up to it.
     */
    record Position(String snapshot, String lastKey, int given) {
        String encode() {
            ObjectNode json = Json.object();
            if (snapshot != null) {
                json.put("snapshot", snapshot);
            }
            if (lastKey != null) {
                json.put("after", lastKey);
            }
            json.put("given", given);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String token) {
            try {
                JsonNode json = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
                JsonNode given = json.path("given");
                if (!given.isInt() || given.asInt() < 0 || (json.has("after") && !json.get("after").isTextual())
                        || (json.has("snapshot") && !json.get("snapshot").isTextual())) {
                    throw unknown(token);
                }
                return new Position(json.has("snapshot") ? json.get("snapshot").asText() : null,
                        json.has("after") ? json.get("after").asText() : null, given.asInt());
            } catch (RuntimeException e) {
                // Not base64, not JSON, or not ours: all the same to the client.
                throw unknown(token);
            }
        }

        private static ArmException unknown(String token) {
            return new ArmException(ErrorCode.InvalidParameter, "The " + SKIP_TOKEN + " '" + abbreviated(token)
                    + "' is not one this server gave. Use the nextLink of the previous page as it is, or list again "
                    + "without " + SKIP_TOKEN + " to start from the first page.");
        }

        private static String abbreviated(String token) {
            return token.length() <= 64 ? token : token.substring(0, 64) + "…";
        }
    }
}
