package dev.amlite.control.tracking;

import dev.amlite.core.ResourceId;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunTokensTest {
    private static final String WS = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/";
    private final RunTokens tokens = new RunTokens();
    private final Principal alice = new Principal("oid-alice", "tenant", PrincipalKind.User, "Alice",
            "alice@example.com", Instant.EPOCH);
    private final ResourceId job = ResourceId.parse(WS + "ws1/jobs/train1");

    @Test
    void aJobsTokenProvesItsSubmitterInItsWorkspaceUntilTheJobEnds() {
        String token = tokens.issue(job, alice);
        assertThat(RunTokens.isRunToken(token)).isTrue();
        assertThat(token).hasSizeGreaterThan(40);

        var caller = tokens.verify(token, ResourceId.parse(WS + "WS1"));
        assertThat(caller.objectId()).isEqualTo("oid-alice");
        assertThat(caller.signInName()).isEqualTo("alice@example.com");
        assertThat(caller.kind()).isEqualTo(PrincipalKind.User);

        tokens.revoke(job);
        assertThatThrownBy(() -> tokens.verify(token, ResourceId.parse(WS + "ws1")))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("its job has ended");
    }

    @Test
    void itOpensNoOtherWorkspace() {
        String token = tokens.issue(job, alice);
        assertThatThrownBy(() -> tokens.verify(token, ResourceId.parse(WS + "ws2")))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("opens only the MLflow API of its workspace 'ws1', not of 'ws2'");
    }

    @Test
    void forgedAndReplacedTokensOpenNothing() {
        String first = tokens.issue(job, alice);
        String second = tokens.issue(job, alice);
        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.verify(second, job.parent()).objectId()).isEqualTo("oid-alice");
        for (String bad : new String[] {first, second + "x", RunTokens.PREFIX, RunTokens.PREFIX + "A".repeat(43)}) {
            assertThatThrownBy(() -> tokens.verify(bad, job.parent())).as(bad).isInstanceOf(MlflowException.class);
        }
        assertThat(RunTokens.isRunToken("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
    }
}
