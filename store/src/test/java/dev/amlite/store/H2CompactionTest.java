package dev.amlite.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class H2CompactionTest {
    @TempDir
    Path directory;

    @Test
    void aCleanCloseGivesBackTheSpaceOfOldCommits() throws Exception {
        Path file = directory.resolve("db").resolve("amlite.mv.db");
        Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(directory), null, null, 2));
        database.jdbi().useHandle(h -> h.execute("CREATE TABLE churn (id INT PRIMARY KEY, payload VARCHAR(200))"));
        for (int i = 0; i < 5000; i++) {
            int id = i;
            database.jdbi().useHandle(h -> h.execute("MERGE INTO churn KEY (id) VALUES (?, ?)", id % 1000, "v" + id + "x".repeat(150)));
        }
        long before = Files.size(file);
        database.close();
        database.close(); // a second close is harmless

        // 5,000 commits of 1,000 live rows (~160 KB): tens of MiB of old chunks before; H2's own close-time
        // compaction leaves several MiB of them, SHUTDOWN COMPACT leaves about the live data.
        assertThat(before).isGreaterThan(16L << 20);
        assertThat(Files.size(file)).isLessThan(1L << 20);
        Database reopened = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(directory), null, null, 2));
        try {
            String last = reopened.jdbi().withHandle(h -> h.createQuery("SELECT payload FROM churn WHERE id = 999")
                    .mapTo(String.class).one());
            assertThat(last).isEqualTo("v4999" + "x".repeat(150));
        } finally {
            reopened.close();
        }
    }
}
