package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.ManualClock;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListPagesTest {
    private static final String URL = "https://localhost:8443/subscriptions/s/resourcegroups";
    private static final String ALICE = "alice-object-id";
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T00:00:00Z"));
    private final ListPages pages = new ListPages(3, clock, ListPages.SNAPSHOT_BUDGET);
    private final AtomicInteger made = new AtomicInteger();

    @Test
    void aLongListComesInPagesThatTheNextLinkWalksInOrderAndIsMadeOnce() {
        List<String> items = names(7);
        List<Integer> sizes = new ArrayList<>();
        List<String> seen = walk(pages, counted(() -> list(items)), ALICE, sizes);
        assertThat(seen).isEqualTo(items);
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(made.get()).as("the list is made for the first page only").isEqualTo(1);
        assertThat(pages.snapshotsHeld()).as("the last page lets the snapshot go").isZero();
    }

    @Test
    void theNextLinkIsThisUrlWithTheSameParametersAndAToken() {
        JsonNode body = pages.page(() -> list(names(4)), ALICE, URL,
                Map.of("api-version", "2022-09-01", "$filter", "a b&c")).body();
        String link = body.get("nextLink").asText();
        assertThat(link).startsWith(URL + "?");
        assertThat(queryOf(link)).containsEntry("api-version", "2022-09-01").containsEntry("$filter", "a b&c")
                .containsKey(ListPages.SKIP_TOKEN).hasSize(3);
    }

    @Test
    void aListThatFitsOnePageIsAnsweredAsItCame() {
        ArmResponse answer = list(names(3));
        assertThat(pages.page(() -> answer, ALICE, URL, Map.of("api-version", "1"))).isSameAs(answer);
        ArmResponse notAList = ArmResponse.ok(Json.object().put("name", "x"));
        assertThat(pages.page(() -> notAList, ALICE, URL, Map.of())).isSameAs(notAList);
        assertThat(pages.snapshotsHeld()).isZero();
    }

    @Test
    void thePagesAfterTheFirstShowTheListAsItWasWhenItWasMade() {
        List<String> items = new ArrayList<>(names(6));
        JsonNode first = pages.page(counted(() -> list(items)), ALICE, URL, Map.of()).body();
        items.addAll(0, List.of("new1", "new2"));
        items.remove("item4");
        JsonNode second = json(pages.page(counted(() -> list(items)), ALICE, URL, queryOf(first.get("nextLink").asText())));
        assertThat(namesIn(second)).containsExactly("item3", "item4", "item5");
        assertThat(made.get()).isEqualTo(1);
    }

    @Test
    void withoutItsSnapshotAPageStartsAfterTheLastItemGivenOrElseByCount() {
        List<String> items = new ArrayList<>(names(7));
        String link = pages.page(() -> list(items), ALICE, URL, Map.of()).body().get("nextLink").asText();
        items.addAll(0, List.of("new1", "new2"));
        JsonNode second = json(new ListPages(3).page(() -> list(items), ALICE, URL, queryOf(link)));
        assertThat(namesIn(second)).as("another replica; added before the page end: nothing repeats")
                .containsExactly("item3", "item4", "item5");
        List<String> fewer = new ArrayList<>(names(7));
        fewer.remove("item2");
        JsonNode byCount = json(new ListPages(3).page(() -> list(fewer), ALICE, URL, queryOf(link)));
        assertThat(namesIn(byCount)).as("its last item gone: by count (3 given)").containsExactly("item4", "item5", "item6");
    }

    @Test
    void aSnapshotServesOnlyItsCallerAndOnlyUntilItExpires() {
        List<String> items = names(7);
        JsonNode first = pages.page(counted(() -> list(items)), ALICE, URL, Map.of()).body();
        Map<String, String> next = queryOf(first.get("nextLink").asText());
        pages.page(counted(() -> list(items)), "mallory-object-id", URL, next);
        assertThat(made.get()).as("another caller's token use makes the list for that caller").isEqualTo(2);
        pages.page(counted(() -> list(items)), ALICE, URL, Map.of("api-version", "other"));
        assertThat(made.get()).as("the token on another list").isEqualTo(3);
        clock.advance(ListPages.SNAPSHOT_LIFETIME.plusSeconds(1));
        JsonNode second = json(pages.page(counted(() -> list(items)), ALICE, URL, next));
        assertThat(made.get()).as("expired: made again").isEqualTo(4);
        assertThat(namesIn(second)).containsExactly("item3", "item4", "item5");
    }

    @Test
    void snapshotsStayWithinTheirBudgetTheOldestGoingFirst() {
        // Each kept item is {"id":"/subscriptions/s/resourceGroups/itemN","name":"itemN"} (~60 characters) plus its key.
        ListPages small = new ListPages(3, clock, 1000);
        JsonNode a = small.page(counted(() -> list(names(10))), ALICE, URL, Map.of("n", "a")).body();
        JsonNode b = small.page(counted(() -> list(names(10))), ALICE, URL, Map.of("n", "b")).body();
        assertThat(small.snapshotsHeld()).as("7 items of ~100 characters each: one fits").isEqualTo(1);
        small.page(counted(() -> list(names(10))), ALICE, URL, queryOf(b.get("nextLink").asText()));
        assertThat(made.get()).as("the newest is kept").isEqualTo(2);
        small.page(counted(() -> list(names(10))), ALICE, URL, queryOf(a.get("nextLink").asText()));
        assertThat(made.get()).as("the oldest was let go").isEqualTo(3);
        ListPages none = new ListPages(3, clock, 10);
        walk(none, counted(() -> list(names(7))), ALICE, new ArrayList<>());
        assertThat(made.get()).as("over the budget alone: no snapshot, each page made").isEqualTo(6);
        assertThat(none.snapshotsHeld()).isZero();
    }

    @Test
    void aTokenThisServerDidNotGiveIsRefusedWithWhatToDo() {
        for (String token : new String[] {"%%%", "bm90IGpzb24", "eyJnaXZlbiI6LTF9", "e30", "eyJzbmFwc2hvdCI6MSwiZ2l2ZW4iOjN9"}) {
            assertThatThrownBy(() -> pages.page(() -> list(names(7)), ALICE, URL, Map.of("$skiptoken", token)))
                    .as(token).isInstanceOfSatisfying(ArmException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidParameter))
                    .hasMessageContaining("is not one this server gave")
                    .hasMessageContaining("without $skipToken");
        }
    }

    private List<String> walk(ListPages with, Supplier<ArmResponse> list, String caller, List<Integer> sizes) {
        List<String> seen = new ArrayList<>();
        Map<String, String> query = Map.of("api-version", "2022-09-01");
        for (int page = 0; page < 10 && query != null; page++) {
            JsonNode body = json(with.page(list, caller, URL, query));
            seen.addAll(namesIn(body));
            sizes.add(body.get("value").size());
            query = body.has("nextLink") ? queryOf(body.get("nextLink").asText()) : null;
        }
        return seen;
    }

    private Supplier<ArmResponse> counted(Supplier<ArmResponse> list) {
        return () -> {
            made.incrementAndGet();
            return list.get();
        };
    }

    /** The body as a client reads it (kept items are raw JSON until written). */
    private static JsonNode json(ArmResponse answer) {
        return Json.parse(Json.write(answer.body()));
    }

    private static List<String> names(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("item" + i);
        }
        return names;
    }

    private static ArmResponse list(List<String> names) {
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            items.add(Json.object().put("id", "/subscriptions/s/resourceGroups/" + name).put("name", name));
        }
        return ArmResponse.list(items);
    }

    private static List<String> namesIn(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.get("value").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private static Map<String, String> queryOf(String link) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return query;
    }
}
