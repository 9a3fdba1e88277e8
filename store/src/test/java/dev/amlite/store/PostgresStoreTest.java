package dev.amlite.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

    @Override
    protected Database database() {
        return database;
    }
}
