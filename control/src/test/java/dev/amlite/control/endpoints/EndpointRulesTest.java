package dev.amlite.control.endpoints;

import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

class EndpointRulesTest {
    @Test
    void names() {
        for (String good : new String[] {"abc", "my-endpoint", "A1-b2-c3", "x".repeat(32)}) {
            assertThatNoException().isThrownBy(() -> EndpointRules.checkName("Endpoint", good));
        }
        for (String bad : new String[] {"ab", "1abc", "a--b", "abc-", "a_bc", "-abc", "x".repeat(33), "ab c"}) {
            assertThatThrownBy(() -> EndpointRules.checkName("Endpoint", bad)).as(bad).isInstanceOf(ArmException.class);
        }
    }

    @Test
    void trafficSumsToZeroOrHundredOverExistingDeployments() {
        Set<String> deployments = Set.of("blue", "green");
        assertThatNoException().isThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 90, "green", 10),
                Map.of(), deployments));
        assertThatNoException().isThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 0), Map.of(),
                deployments));
        assertThatNoException().isThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("BLUE", 100), Map.of(),
                deployments));
        assertThatThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 7), Map.of(), deployments))
                .hasMessageContaining("adds up to 7%");
        assertThatThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 100, "green", 10), Map.of(), deployments))
                .hasMessageContaining("adds up to 110%");
        assertThatThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("red", 100), Map.of(), deployments))
                .hasMessageContaining("'red'").hasMessageContaining("blue, green");
        assertThatThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("red", 100), Map.of(), Set.of()))
                .hasMessageContaining("no deployments yet");
    }

    @Test
    void mirrorRulesAreAllReportedAtOnce() {
        Set<String> deployments = Set.of("blue", "green", "red");
        assertThatNoException().isThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 100),
                Map.of("green", 50), deployments));
        assertThatThrownBy(() -> EndpointRules.checkTraffic("e", Map.of("blue", 100), Map.of("green", 60), deployments))
                .hasMessageContaining("at most 50%");
        ArmException both = org.junit.jupiter.api.Assertions.assertThrows(ArmException.class, () ->
                EndpointRules.checkTraffic("e", Map.of("blue", 100), Map.of("green", 10, "blue", 10), deployments));
        assertThat(both.toError().details()).hasSize(2);
        assertThat(both.getMessage()).contains("one deployment only").contains("'blue' has live traffic");
    }

    @Test
    void percentagesMustBeWholeNumbers() {
        assertThat(EndpointRules.percentages("traffic", Json.parse("{\"a\": 10, \"b\": \"90\"}")))
                .containsEntry("a", 10).containsEntry("b", 90);
        assertThatThrownBy(() -> EndpointRules.percentages("traffic", Json.parse("{\"a\": 10.5}")))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> EndpointRules.percentages("traffic", Json.parse("[1]")))
                .hasMessageContaining("must be an object");
    }

    @Test
    void tokensAreBoundToTheirEndpointSecretAndTime() {
        EndpointAuth.Credentials credentials = new EndpointAuth.Credentials("k1".getBytes(), "k2".getBytes(),
                "secret-one".getBytes());
        EndpointAuth.Credentials other = new EndpointAuth.Credentials("k3".getBytes(), "k4".getBytes(),
                "secret-two".getBytes());
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        String id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e";
        String token = EndpointAuth.sign(id, now.plusSeconds(60), credentials.tokenSecret());
        assertThat(EndpointAuth.checkToken(token, id, credentials, now)).isEqualTo(EndpointAuth.Verdict.OK);
        assertThat(EndpointAuth.checkToken(token, id, credentials, now.plusSeconds(60)))
                .isEqualTo(EndpointAuth.Verdict.EXPIRED);
        assertThat(EndpointAuth.checkToken(token, id, other, now)).isEqualTo(EndpointAuth.Verdict.INVALID);
        assertThat(EndpointAuth.checkToken(token, id + "x", credentials, now)).isEqualTo(EndpointAuth.Verdict.INVALID);
        assertThat(EndpointAuth.checkToken("amlt.garbage", id, credentials, now)).isEqualTo(EndpointAuth.Verdict.INVALID);
        assertThat(EndpointAuth.checkKey("k2".getBytes(), credentials)).isEqualTo(EndpointAuth.Verdict.OK);
        assertThat(EndpointAuth.checkKey("k3".getBytes(), credentials)).isEqualTo(EndpointAuth.Verdict.INVALID);
    }
}
