package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentsTest {
    @Test
    void tagsFollowArmsRules() {
        assertThat(Documents.tags(Json.parse("{\"env\":\"dev\"}")).path("env").asText()).isEqualTo("dev");
        assertThat(Documents.tags(null)).isEmpty();
        assertThatThrownBy(() -> Documents.tags(Json.parse("{\"a/b\":\"x\"}"))).hasMessageContaining("may not contain");
        assertThatThrownBy(() -> Documents.tags(Json.parse("{\"a\":{\"b\":1}}"))).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> Documents.tags(Json.parse("{\"a\":\"" + "x".repeat(257) + "\"}"))).hasMessageContaining("256");
    }

    @Test
    void listFiltersParseAndMatch() {
        Documents.ListFilter filter = Documents.ListFilter.parse(
                "resourceType eq 'Microsoft.Storage/storageAccounts' and tagName eq 'env' and tagValue eq 'prod'");
        assertThat(filter.resourceType()).isEqualTo("Microsoft.Storage/storageAccounts");
        assertThat(filter.matches(Json.parse("{\"name\":\"a\",\"tags\":{\"Env\":\"prod\"}}"))).isTrue();
        assertThat(filter.matches(Json.parse("{\"name\":\"a\",\"tags\":{\"env\":\"dev\"}}"))).isFalse();
        assertThatThrownBy(() -> Documents.ListFilter.parse("location eq 'x'"))
                .isInstanceOf(ArmException.class).hasMessageContaining("resourceType eq");
    }
}
