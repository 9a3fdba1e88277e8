package dev.amlite.control.tracking;

import dev.amlite.core.ResourceId;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.RunTokenStore;
import dev.amlite.store.StoreVendor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunTokensTest {
    private static final String WS = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/";
    private final Principal alice = new Principal("oid-alice", "tenant", PrincipalKind.User, "Alice",
            "alice@example.com", Instant.EPOCH);
    private final ResourceId job = ResourceId.parse(WS + "ws1/jobs/train1");
    private Database database;
    private RunTokens tokens;
    private RunTokens replica; // another server on the same store

    @BeforeEach
    void open(@TempDir Path temporary) {
        database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2));
        Function<String, Optional<Principal>> directory = name -> name.equals("alice@example.com")
                ? Optional.of(alice) : Optional.empty();
        tokens = new RunTokens(new RunTokenStore(database, Clock.systemUTC()), directory);
        replica = new RunTokens(new RunTokenStore(database, Clock.systemUTC()), directory);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anotherReplicaAcceptsAJobsTokenUntilTheJobEnds() {
        String token = tokens.issue(job, "alice@example.com", alice);
        var caller = replica.verify(token, ResourceId.parse(WS + "ws1"));
        assertThat(caller.objectId()).isEqualTo("oid-alice");
        assertThatThrownBy(() -> replica.verify(token, ResourceId.parse(WS + "ws2")))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(403));

        String replaced = tokens.issue(job, "alice@example.com", alice);
        assertThatThrownBy(() -> replica.verify(token, job.parent())).as("replaced").isInstanceOf(MlflowException.class);
        assertThat(replica.verify(replaced, job.parent()).objectId()).isEqualTo("oid-alice");

        tokens.revoke(job);
        assertThatThrownBy(() -> replica.verify(replaced, job.parent()))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aTokenWhoseSubmitterLeftTheDirectoryOpensNothingElsewhere() {
        Principal bob = new Principal("oid-bob", "tenant", PrincipalKind.User, "Bob", "bob@example.com", Instant.EPOCH);
        String token = tokens.issue(job, "bob@example.com", bob);
        assertThatThrownBy(() -> replica.verify(token, job.parent()))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aJobsTokenProvesItsSubmitterInItsWorkspaceUntilTheJobEnds() {
        String token = tokens.issue(job, "alice@example.com", alice);
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
        String token = tokens.issue(job, "alice@example.com", alice);
        assertThatThrownBy(() -> tokens.verify(token, ResourceId.parse(WS + "ws2")))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("opens only the MLflow API of its workspace 'ws1', not of 'ws2'");
    }

    @Test
    void forgedAndReplacedTokensOpenNothing() {
        String first = tokens.issue(job, "alice@example.com", alice);
        String second = tokens.issue(job, "alice@example.com", alice);
        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.verify(second, job.parent()).objectId()).isEqualTo("oid-alice");
        for (String bad : new String[] {first, second + "x", RunTokens.PREFIX, RunTokens.PREFIX + "A".repeat(43)}) {
            assertThatThrownBy(() -> tokens.verify(bad, job.parent())).as(bad).isInstanceOf(MlflowException.class);
        }
        assertThat(RunTokens.isRunToken("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
    }
}
