package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputTest {
    private static final JsonNode GROUPS = Json.parse("[{\"name\":\"rg1\",\"location\":\"japaneast\",\"tags\":{},"
            + "\"properties\":{\"provisioningState\":\"Succeeded\"},\"managedBy\":null},"
            + "{\"name\":\"longer-name\",\"location\":\"eastus\",\"tags\":{},\"properties\":{\"provisioningState\":\"Deleting\"},"
            + "\"managedBy\":null}]");

    @Test
    void jsonIsIndentedLikeAz() {
        assertThat(Output.pretty(Json.parse("{\"a\":[],\"b\":{},\"c\":[1]}")))
                .isEqualTo("{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1\n  ]\n}");
    }

    @Test
    void tableUsesColumnsAndAlignsThem() {
        String table = Output.table(GROUPS, List.of(Column.of("Name", "name"), Column.of("Location", "location"),
                Column.of("Status", "properties.provisioningState")));
        assertThat(table).isEqualTo("""
                Name         Location   Status
                -----------  ---------  ---------
                rg1          japaneast  Succeeded
                longer-name  eastus     Deleting
                """);
    }

    @Test
    void tableWithoutColumnsShowsScalarMembers() {
        String table = Output.table(Json.parse("{\"id\":\"x\",\"count\":2,\"nested\":{\"a\":1},\"ok\":true}"), List.of());
        assertThat(table.lines().toList().get(0)).isEqualTo("Id  Count  Ok");
        assertThat(table.lines().toList().get(2)).isEqualTo("x   2      True");
    }

    @Test
    void tsvAndQueries() {
        assertThat(Output.tsv(Output.query(GROUPS, "[].name"))).isEqualTo("rg1\nlonger-name\n");
        assertThat(Output.tsv(Output.query(GROUPS, "[0].properties.provisioningState"))).isEqualTo("Succeeded\n");
        assertThat(Output.tsv(Json.parse("[{\"a\":\"x\",\"b\":null,\"c\":{}}]"))).isEqualTo("x\tNone\n");
        assertThatThrownBy(() -> Output.query(GROUPS, "[?name==")).isInstanceOf(CliError.class)
                .hasMessageContaining("invalid JMESPath");
    }

    @Test
    void tagsParseLikeAz() {
        assertThat(Tags.parse(List.of("env=prod", "team", "url=a=b")).toString())
                .isEqualTo("{\"env\":\"prod\",\"team\":\"\",\"url\":\"a=b\"}");
    }
}
