package dev.amlite.control.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComputeSpecTest {
    private static ComputeSpec cluster(String size, Object min, Object max, String idle, String region) {
        ObjectNode properties = Json.object().put("computeType", "AmlCompute");
        ObjectNode inner = properties.putObject("properties");
        if (size != null) {
            inner.put("vmSize", size);
        }
        ObjectNode scale = inner.putObject("scaleSettings");
        scale.set("minNodeCount", Json.MAPPER.valueToTree(min));
        scale.set("maxNodeCount", Json.MAPPER.valueToTree(max));
        if (idle != null) {
            scale.put("nodeIdleTimeBeforeScaleDown", idle);
        }
        return ComputeSpec.parse(properties, Catalog.standard(), region);
    }

    @Test
    void aClusterKeepsItsRangeAndIdleTime() {
        ComputeSpec spec = cluster("standard_ds3_v2", 0, 4, "PT120S", "japaneast");
        assertThat(spec.size().name()).isEqualTo("Standard_DS3_v2");
        assertThat(spec.minNodes()).isZero();
        assertThat(spec.maxNodes()).isEqualTo(4);
        assertThat(spec.idleBeforeScaleDown()).isEqualTo(Duration.ofSeconds(120));
        assertThat(spec.vCpus(3)).isEqualTo(12);
    }

    @Test
    void badClustersAreRefusedSayingWhatIsAllowed() {
        assertThatThrownBy(() -> cluster("Standard_DS3_v2", 5, 2, null, "japaneast"))
                .hasMessageContaining("min_instances (5) is larger than max_instances (2)");
        assertThatThrownBy(() -> cluster("Standard_Nope", 0, 1, null, "japaneast"))
                .hasMessageContaining("not known").hasMessageContaining("list-sizes");
        assertThatThrownBy(() -> cluster("Standard_ND96asr_v4", 0, 1, null, "japanwest"))
                .hasMessageContaining("not offered in region 'japanwest'");
        assertThatThrownBy(() -> cluster("Standard_DS3_v2", "two", 1, null, "japaneast"))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> cluster("Standard_DS3_v2", 0, 1, "soon", "japaneast"))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> cluster(null, 0, 1, null, "japaneast")).hasMessageContaining("vmSize");
    }

    @Test
    void namesFollowTheSeedsRule() {
        ComputeSpec.checkName("cpu-cluster");
        ComputeSpec.checkName("a1");
        for (String bad : new String[] {"a", "1abc", "has_underscore", "seventeen-chars-x", "ends-", "日本語"}) {
            assertThatThrownBy(() -> ComputeSpec.checkName(bad)).isInstanceOf(ArmException.class)
                    .extracting(e -> ((ArmException) e).code()).isEqualTo(ErrorCode.InvalidResourceName);
        }
    }
}
