package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListPagesTest {
    private static final String URL = "https://localhost:8443/subscriptions/s/resourcegroups";
    private final ListPages pages = new ListPages(3);

    @Test
    void aLongListComesInPagesThatTheNextLinkWalksInOrder() {
        List<String> items = names(7);
        List<String> seen = new ArrayList<>();
        Map<String, String> query = Map.of("api-version", "2022-09-01", "$filter", "tagName eq 'a b'");
        List<Integer> sizes = new ArrayList<>();
        for (int page = 0; page < 10 && query != null; page++) {
            JsonNode body = pages.page(list(items), URL, query).body();
            body.get("value").forEach(item -> seen.add(item.get("name").asText()));
            sizes.add(body.get("value").size());
            query = body.has("nextLink") ? queryOf(body.get("nextLink").asText()) : null;
        }
        assertThat(seen).isEqualTo(items);
        assertThat(sizes).containsExactly(3, 3, 1);
    }

    @Test
    void theNextLinkIsThisUrlWithTheSameParametersAndAToken() {
        JsonNode body = pages.page(list(names(4)), URL, Map.of("api-version", "2022-09-01", "$filter", "a b&c")).body();
        String link = body.get("nextLink").asText();
        assertThat(link).startsWith(URL + "?");
        Map<String, String> query = queryOf(link);
        assertThat(query).containsEntry("api-version", "2022-09-01").containsEntry("$filter", "a b&c")
                .containsKey(ListPages.SKIP_TOKEN).hasSize(3);
    }

    @Test
    void aListThatFitsOnePageIsAnsweredAsItCame() {
        ArmResponse answer = list(names(3));
        assertThat(pages.page(answer, URL, Map.of("api-version", "1"))).isSameAs(answer);
        ArmResponse notAList = ArmResponse.ok(Json.object().put("name", "x"));
        assertThat(pages.page(notAList, URL, Map.of())).isSameAs(notAList);
    }

    @Test
    void itemsAddedBeforeThePageEndDoNotRepeatAnItem() {
        List<String> items = new ArrayList<>(names(6));
        JsonNode first = pages.page(list(items), URL, Map.of()).body();
        // Newest first: two items land in front while the client reads the first page.
        items.addAll(0, List.of("new1", "new2"));
        JsonNode second = pages.page(list(items), URL, queryOf(first.get("nextLink").asText())).body();
        assertThat(namesIn(second)).containsExactly("item3", "item4", "item5");
        assertThat(second.has("nextLink")).isFalse();
    }

    @Test
    void whenThePagesLastItemIsGoneTheNextPageStartsByCount() {
        List<String> items = new ArrayList<>(names(7));
        JsonNode first = pages.page(list(items), URL, Map.of()).body();
        items.remove("item2");
        JsonNode second = pages.page(list(items), URL, queryOf(first.get("nextLink").asText())).body();
        assertThat(namesIn(second)).containsExactly("item4", "item5", "item6");
    }

    @Test
    void aTokenThisServerDidNotGiveIsRefusedWithWhatToDo() {
        for (String token : new String[] {"%%%", "bm90IGpzb24", "eyJnaXZlbiI6LTF9", "e30"}) {
            assertThatThrownBy(() -> pages.page(list(names(7)), URL, Map.of("$skiptoken", token)))
                    .as(token).isInstanceOfSatisfying(ArmException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidParameter))
                    .hasMessageContaining("is not one this server gave")
                    .hasMessageContaining("without $skipToken");
        }
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
