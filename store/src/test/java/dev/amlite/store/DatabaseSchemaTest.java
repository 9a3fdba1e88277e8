package dev.amlite.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class DatabaseSchemaTest {
    @TempDir
    Path directory;

    @Test
    void theSchemaVersionIsTheNewestMigration() throws Exception {
        Path migrations = Path.of(Database.class.getResource("/db/migration").toURI());
        Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(migrations)) {
            newest = files.map(f -> versioned.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.SCHEMA_VERSION).as("Database.SCHEMA_VERSION after adding V%d", newest).isEqualTo(newest);
    }

    @Test
    void onlyAStoreWhoseHistoryEndsAtTheSchemaVersionSkipsTheMigrations() throws Exception {
        String url = StoreVendor.embeddedH2Url(directory);
        try (HikariDataSource fresh = dataSource(url)) {
            assertThat(Database.atSchemaVersion(fresh)).as("a new store, without a history").isFalse();
        }
        Database.open(new DatabaseConfig(url, null, null, 2)).close();
        try (HikariDataSource migrated = dataSource(url)) {
            assertThat(Database.atSchemaVersion(migrated)).as("a store just migrated").isTrue();
            execute(migrated, "UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '3'");
            assertThat(Database.atSchemaVersion(migrated)).as("a history with a failed step").isFalse();
            execute(migrated, "UPDATE \"flyway_schema_history\" SET \"success\" = TRUE WHERE \"version\" = '3'");
            execute(migrated, "DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '"
                    + Database.SCHEMA_VERSION + "'");
            assertThat(Database.atSchemaVersion(migrated)).as("a store an upgrade must migrate").isFalse();
        }
    }

    private static HikariDataSource dataSource(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }

    private static void execute(HikariDataSource dataSource, String sql) throws Exception {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
