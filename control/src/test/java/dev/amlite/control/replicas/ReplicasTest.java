package dev.amlite.control.replicas;

import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.ServerRegistry;
import dev.amlite.store.StoreVendor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server's start on a shared store (H2 here, opened as a shared one would be) against what its id's row says:
 * a row left by a crash is taken over, one another process still beats is not.
 */
class ReplicasTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1200); // a beat every 200 ms
    private Database database;
    private ServerRegistry registry;

    @BeforeEach
    void open(@TempDir Path temporary) {
        database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2));
        registry = new ServerRegistry(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRestartAfterACrashTakesItsRowBack() {
        registry.register("x", "before-the-crash"); // seen just now, never left
        try (Replicas replicas = new Replicas(registry, new Replicas.Settings("x", TIMEOUT), true)) {
            replicas.start();
            assertThat(registry.sighting("x").orElseThrow().incarnation()).isNotEqualTo("before-the-crash");
            assertThat(replicas.live()).containsExactly("x");
        }
        assertThat(registry.sighting("x")).as("left on close").isEmpty();
    }

    @Test
    void aSecondProcessWithTheIdOfOneThatStillBeatsDoesNotStart() {
        registry.register("x", "running");
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(() -> registry.beat("x", "running"), 0, 100, TimeUnit.MILLISECONDS);
        try (Replicas copy = new Replicas(registry, new Replicas.Settings("x", TIMEOUT), true)) {
            assertThatThrownBy(copy::start).hasMessageContaining("Another server is running with this data "
                    + "directory's server id 'x'");
        } finally {
            beats.shutdownNow();
        }
        assertThat(registry.sighting("x").orElseThrow().incarnation()).as("the row stays the first's, closed copy "
                + "and all").isEqualTo("running");
    }
}
