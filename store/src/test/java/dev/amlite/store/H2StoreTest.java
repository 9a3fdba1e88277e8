package dev.amlite.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
