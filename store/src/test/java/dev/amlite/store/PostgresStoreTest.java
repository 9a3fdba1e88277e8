package dev.amlite.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresStoreTest extends StoreContract {
    private static TestPostgres postgres;
    private static Database database;

    @BeforeAll
    static void open() throws Exception {
        postgres = TestPostgres.start();
        database = Database.open(new DatabaseConfig(postgres.jdbcUrl(), "postgres", null, 4));
    }

    @AfterAll
    static void close() throws Exception {
        database.close();
        postgres.close();
    }

    @Test
    void aStoreAtTheSchemaVersionIsSeenToBeSo() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername("postgres");
        config.setMaximumPoolSize(1);
        try (HikariDataSource migrated = new HikariDataSource(config)) {
            assertThat(Database.atSchemaVersion(migrated)).isTrue();
        }
    }

    @Override
    protected Database database() {
        return database;
    }
}
