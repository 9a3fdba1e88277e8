package dev.amlite.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class H2StoreTest extends StoreContract {
    private static Database database;

    @BeforeAll
    static void open() throws Exception {
        Path directory = Files.createTempDirectory("amlite-h2");
        database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(directory), null, null, 4));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    protected Database database() {
        return database;
    }

    @Test
    void aCallThatWroteReturnsOnceItsChangeIsInTheFileUnlessItsStatementIsLazy() {
        ComputeNodes nodes = new ComputeNodes(database);
        String compute = "/subscriptions/" + UUID.randomUUID() + "/computes/c";
        nodes.add(compute, 0, "n0", null, null, Instant.now());
        assertThat(unsaved()).as("after a durable write").isFalse();
        boolean lazy = false;
        // H2's background writer stores the file every 500 ms, and may do so between the write and the check.
        for (int attempt = 0; attempt < 3 && !lazy; attempt++) {
            nodes.release(compute, "n0", "job", Instant.now());
            assertThat(nodes.lease(compute, "n0", "job", "server")).isTrue();
            lazy = unsaved();
        }
        assertThat(lazy).as("after a lazy write: stored with the next durable one").isTrue();
        nodes.add(compute, 1, "n1", null, null, Instant.now());
        assertThat(unsaved()).isFalse();
        assertThat(nodes.list(compute).get(0).job()).isEqualTo("job");
    }

    private static boolean unsaved() {
        return database.jdbi().withHandle(handle -> H2GroupCommit.store(handle.getConnection()).hasUnsavedChanges());
    }
}
