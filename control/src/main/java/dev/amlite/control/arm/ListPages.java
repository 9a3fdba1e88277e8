package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Cuts a list answer into ARM pages: at most {@code pageSize} items in {@code value} and a {@code nextLink} (this
 * URL with {@code $skipToken}) while more follow, as Azure's lists do and as ARM clients follow. The token names
 * the last item given (its {@code id}) and how many were given, so the next page starts right after that item even
 * when items were added before it since; only when that item is gone does it fall back to the count.
 *
 * <p>Handlers stay unaware: they answer the whole list in their order and this takes the page out of it, so a page
 * costs a whole list's work. That is the price of one rule for every list; with the default of 1,000 a page, lists
 * of that size or less are answered exactly as before.
 */
public record ListPages(int pageSize) {
    public static final int DEFAULT_PAGE_SIZE = 1000;
    public static final String SKIP_TOKEN = "$skipToken";

    public ListPages {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1; " + pageSize + " was given");
        }
    }

    /**
     * The page of {@code answer} the request asks for. {@code url} is the request's URL without its query, and
     * {@code query} its parameters, which the next page's link repeats.
     */
    public ArmResponse page(ArmResponse answer, String url, Map<String, String> query) {
        String token = tokenIn(query);
        if (answer.status() != 200 || answer.body() == null || !answer.body().path("value").isArray()) {
            return answer;
        }
        ArrayNode all = (ArrayNode) answer.body().get("value");
        int start = token == null ? 0 : start(all, Position.decode(token));
        if (start == 0 && all.size() <= pageSize) {
            return answer;
        }
        int end = Math.min(all.size(), start + pageSize);
        ObjectNode body = Json.object();
        answer.body().properties().forEach(field -> body.set(field.getKey(), field.getValue()));
        ArrayNode page = body.putArray("value");
        for (int i = start; i < end; i++) {
            page.add(all.get(i));
        }
        body.remove("nextLink");
        if (end < all.size()) {
            body.put("nextLink", nextLink(url, query, new Position(key(all.get(end - 1)), end)));
        }
        return new ArmResponse(answer.status(), body, answer.headers());
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

    private static String nextLink(String url, Map<String, String> query, Position next) {
        StringBuilder link = new StringBuilder(url);
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(SKIP_TOKEN)) {
                continue;
            }
            link.append(separator).append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
            separator = '&';
        }
        return link.append(separator).append(SKIP_TOKEN).append('=').append(next.encode()).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Where a page ended: its last item's id (or name) and how many items were given up to it. */
    record Position(String lastKey, int given) {
        String encode() {
            ObjectNode json = Json.object();
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
                if (!given.isInt() || given.asInt() < 0 || (json.has("after") && !json.get("after").isTextual())) {
                    throw unknown(token);
                }
                return new Position(json.has("after") ? json.get("after").asText() : null, given.asInt());
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
