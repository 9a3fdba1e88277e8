package dev.amlite.control.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class MoveHistoryTest {
    @Test
    void theHistoryKeepsTheNewestMovesInOrder() {
        ObjectNode properties = Json.object();
        for (int move = 1; move <= MoveHistory.KEPT + 5; move++) {
            MoveHistory.append(properties).put("operation", "op-" + move);
        }
        JsonNode history = properties.path("amliteMoveHistory");
        assertThat(history.size()).isEqualTo(MoveHistory.KEPT);
        assertThat(history.get(0).path("operation").asText()).isEqualTo("op-6");
        assertThat(history.get(MoveHistory.KEPT - 1).path("operation").asText()).isEqualTo("op-" + (MoveHistory.KEPT + 5));
    }

    @Test
    void aShortHistoryKeepsEveryMove() {
        ObjectNode properties = Json.object();
        properties.putArray("amliteMoveHistory").addObject().put("operation", "earlier");
        MoveHistory.append(properties).put("operation", "now");
        assertThat(properties.path("amliteMoveHistory").findValuesAsText("operation")).containsExactly("earlier", "now");
    }
}
