package dev.amlite.store;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.TimeZone;
import org.flywaydb.core.Flyway;
import org.h2.util.DateTimeUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored times are instants: a server restarted under another time zone reads what it wrote, and the upgrade to
 * zoned columns keeps the times written before it (in the zone they were written in).
 */
class StoredTimesTest {
    private static final TimeZone WRITTEN_IN = TimeZone.getTimeZone("America/New_York");
    private static final TimeZone READ_IN = TimeZone.getTimeZone("Asia/Tokyo");
    private static final Instant CREATED = Instant.parse("2026-11-20T23:30:00Z");
    private static final Instant EXPIRES = Instant.parse("2027-01-15T10:00:00Z");
    private static TestPostgres postgres;
    private TimeZone original;
    @TempDir
    Path directory;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void keepZone() {
        original = TimeZone.getDefault();
    }

    @AfterEach
    void restoreZone() {
        runIn(original);
    }

    /**
     * Stands for starting the server under {@code zone}: the JVM's default zone, and H2's copy of it, which H2 takes
     * once per JVM (without the reset, H2 would go on converting in the first zone and hide the shift).
     */
    private static void runIn(TimeZone zone) {
        TimeZone.setDefault(zone);
        DateTimeUtils.resetCalendar();
    }

    @Test
    void aRestartUnderAnotherTimeZoneReadsTheSameInstantsOnH2() {
        restartUnderAnotherZone(new DatabaseConfig(StoreVendor.embeddedH2Url(directory), null, null, 2));
    }

    @Test
    void aRestartUnderAnotherTimeZoneReadsTheSameInstantsOnPostgres() throws Exception {
        restartUnderAnotherZone(new DatabaseConfig(postgres.jdbcUrl("restart"), "postgres", null, 2));
    }

    @Test
    void theUpgradeKeepsTimesWrittenBeforeItOnH2() throws Exception {
        upgradeThenRestartUnderAnotherZone(new DatabaseConfig(StoreVendor.embeddedH2Url(directory), null, null, 2));
    }

    @Test
    void theUpgradeKeepsTimesWrittenBeforeItOnPostgres() throws Exception {
        upgradeThenRestartUnderAnotherZone(new DatabaseConfig(postgres.jdbcUrl("upgrade"), "postgres", null, 2));
    }

    private static void restartUnderAnotherZone(DatabaseConfig config) {
        runIn(WRITTEN_IN);
        try (Database database = Database.open(config)) {
            PrincipalStore principals = new PrincipalStore(database);
            principals.insert(new Principal("p1", "t1", PrincipalKind.ServicePrincipal, "Deployer", "deployer", CREATED));
            principals.addSecret(new PrincipalSecret("s1", "p1", "hash", "abc", CREATED, EXPIRES));
            OperationStore operations = new OperationStore(database, Clock.fixed(CREATED, ZoneOffset.UTC));
            operations.create("op1", "Create", "/subscriptions/s/resourceGroups/g", "s", "{}", "server");
        }
        runIn(READ_IN);
        try (Database database = Database.open(config)) {
            assertReadBack(database);
            Operation operation = new OperationStore(database, Clock.systemUTC()).get("op1").orElseThrow();
            assertThat(operation.createdAt()).isEqualTo(CREATED);
            assertThat(operation.endedAt()).as("a time never set reads as null").isNull();
        }
    }

    /** Rows written as the stores did before V7: java.sql.Timestamp into TIMESTAMP columns, in the JVM's zone. */
    private static void upgradeThenRestartUnderAnotherZone(DatabaseConfig config) throws Exception {
        runIn(WRITTEN_IN);
        Flyway.configure().dataSource(config.jdbcUrl(), config.user(), config.password())
                .locations("classpath:db/migration").target("6").load().migrate();
        try (var connection = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
            try (var insert = connection.prepareStatement("INSERT INTO principals (object_id, tenant_id, kind, "
                    + "display_name, sign_in_key, sign_in_name, created_at) VALUES ('p1', 't1', 'ServicePrincipal', "
                    + "'Deployer', 'deployer', 'deployer', ?)")) {
                insert.setTimestamp(1, Timestamp.from(CREATED));
                insert.executeUpdate();
            }
            try (var insert = connection.prepareStatement("INSERT INTO principal_secrets (secret_id, object_id, hash, "
                    + "hint, created_at, expires_at) VALUES ('s1', 'p1', 'hash', 'abc', ?, ?)")) {
                insert.setTimestamp(1, Timestamp.from(CREATED));
                insert.setTimestamp(2, Timestamp.from(EXPIRES));
                insert.executeUpdate();
            }
        }
        Database.open(config).close();
        runIn(READ_IN);
        try (Database database = Database.open(config)) {
            assertReadBack(database);
        }
    }

    private static void assertReadBack(Database database) {
        PrincipalStore principals = new PrincipalStore(database);
        assertThat(principals.byObjectId("p1").orElseThrow().createdAt()).isEqualTo(CREATED);
        PrincipalSecret secret = principals.secrets("p1").getFirst();
        assertThat(secret.createdAt()).isEqualTo(CREATED);
        assertThat(secret.expiresAt()).as("a secret's expiry, which decides whether it still signs in")
                .isEqualTo(EXPIRES);
    }
}
