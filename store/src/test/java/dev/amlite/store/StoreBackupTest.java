package dev.amlite.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backup and restore over every table and column the schema has: two rows are written into each table from its
 * own metadata (so a table added by a later migration is covered, and a column type the backup cannot copy fails
 * here), backed up, restored into new stores of both vendors, and read back equal.
 */
class StoreBackupTest {
    private static final String KEY = "key-check-1";
    private static Path directory;
    private static Database source;
    private static TestPostgres postgres;
    private static byte[] backup;

    @BeforeAll
    static void fill() throws Exception {
        directory = Files.createTempDirectory("amlite-backup");
        source = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(directory.resolve("source")), null, null, 4));
        try (var handle = source.jdbi().open()) {
            Connection connection = handle.getConnection();
            for (String table : StoreBackup.tables(connection)) {
                insertRows(connection, table);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoreBackup.Summary summary = StoreBackup.write(source, KEY, out);
        assertThat(summary.schemaVersion()).isEqualTo(Database.SCHEMA_VERSION);
        assertThat(summary.rows()).allSatisfy((table, rows) -> assertThat(rows).as(table).isEqualTo(2L));
        backup = out.toByteArray();
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void close() throws Exception {
        source.close();
        postgres.close();
    }

    @Test
    void everyRowOfEveryTableComesBackInANewH2Store() throws Exception {
        DatabaseConfig target = h2("copy");
        StoreBackup.Summary restored = StoreBackup.restore(target, KEY, new ByteArrayInputStream(backup));
        assertThat(restored.totalRows()).isEqualTo(2L * tables(source).size());
        try (Database copy = Database.open(target)) {
            assertThat(contents(copy)).isEqualTo(contents(source));
        }
    }

    @Test
    void anH2BackupRestoresIntoPostgresqlAndAPostgresqlBackupIntoH2() throws Exception {
        DatabaseConfig target = new DatabaseConfig(postgres.jdbcUrl("restored"), "postgres", null, 2);
        StoreBackup.restore(target, KEY, new ByteArrayInputStream(backup));
        ByteArrayOutputStream fromPostgres = new ByteArrayOutputStream();
        try (Database copy = Database.open(target)) {
            assertThat(contents(copy)).isEqualTo(contents(source));
            StoreBackup.write(copy, KEY, fromPostgres);
        }
        DatabaseConfig back = h2("back");
        StoreBackup.restore(back, KEY, new ByteArrayInputStream(fromPostgres.toByteArray()));
        try (Database copy = Database.open(back)) {
            assertThat(contents(copy)).isEqualTo(contents(source));
        }
    }

    @Test
    void anotherMasterKeyIsRefusedAndNothingIsWritten() throws Exception {
        DatabaseConfig target = h2("other-key");
        assertThatThrownBy(() -> StoreBackup.restore(target, "key-check-2", new ByteArrayInputStream(backup)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("another master key");
        assertThat(Files.exists(directory.resolve("other-key").resolve("db").resolve("amlite.mv.db"))).isFalse();
    }

    @Test
    void aStoreWithDataIsRefused() {
        DatabaseConfig target = h2("busy");
        try (Database busy = Database.open(target)) {
            new Settings(busy).put("x", "y");
        }
        assertThatThrownBy(() -> StoreBackup.restore(target, KEY, new ByteArrayInputStream(backup)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("already holds data")
                .hasMessageContaining("settings");
    }

    @Test
    void aBackupCutShortRestoresNothingAndTheStoreCanTakeTheWholeOneAfter() throws Exception {
        byte[] whole = new GZIPInputStream(new ByteArrayInputStream(backup)).readAllBytes();
        String text = new String(whole, java.nio.charset.StandardCharsets.UTF_8);
        byte[] cut = gzip(text.substring(0, text.lastIndexOf("{\"end\"")));
        DatabaseConfig target = h2("cut");
        assertThatThrownBy(() -> StoreBackup.restore(target, KEY, new ByteArrayInputStream(cut)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("cut short");
        try (Database left = Database.open(target)) {
            assertThat(contents(left).values()).allSatisfy(rows -> assertThat(rows).isEmpty());
        }
        StoreBackup.restore(target, KEY, new ByteArrayInputStream(backup));
        try (Database copy = Database.open(target)) {
            assertThat(contents(copy)).isEqualTo(contents(source));
        }
    }

    @Test
    void aRowDroppedFromTheMiddleIsCaughtByTheEndLine() throws Exception {
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(backup)).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n")));
        lines.remove(3); // a row of the first table (header, table line, row, row)
        byte[] damaged = gzip(String.join("\n", lines) + "\n");
        assertThatThrownBy(() -> StoreBackup.restore(h2("dropped"), KEY, new ByteArrayInputStream(damaged)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("do not match its end line");
    }

    @Test
    void aFileThatIsNoBackupIsRefusedWithWhatItShouldBe() throws IOException {
        byte[] json = gzip("{\"hello\":1}\n");
        assertThatThrownBy(() -> StoreBackup.restore(h2("nobackup"), KEY, new ByteArrayInputStream(json)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("not an amlite store backup");
        assertThatThrownBy(() -> StoreBackup.restore(h2("plain"), KEY, new ByteArrayInputStream("x".getBytes())))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("not an amlite store backup");
    }

    @Test
    void aBackupOfANewerSchemaIsRefused() throws IOException {
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(backup)).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        byte[] newer = gzip(text.replaceFirst("\"schemaVersion\":" + Database.SCHEMA_VERSION,
                "\"schemaVersion\":" + (Database.SCHEMA_VERSION + 1)));
        assertThatThrownBy(() -> StoreBackup.restore(h2("newer"), KEY, new ByteArrayInputStream(newer)))
                .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("schema version "
                        + (Database.SCHEMA_VERSION + 1));
    }

    @Test
    void aRowCommittedWhileTheBackupIsBeingWrittenIsNotInIt() throws Exception {
        Database busy = Database.open(h2("snapshot-source"));
        try {
            // Incompressible tags, so that the gzip'd output reaches the stream while the tags are still being read
            // (tables go in name order: mlflow_experiment_tags before settings).
            java.util.Random random = new java.util.Random(7);
            try (var handle = busy.jdbi().open()) {
                for (int i = 0; i < 100; i++) {
                    byte[] noise = new byte[3000];
                    random.nextBytes(noise);
                    handle.execute("INSERT INTO mlflow_experiment_tags VALUES ('w', 'e', ?, ?)", "tag" + i,
                            java.util.Base64.getEncoder().encodeToString(noise));
                }
            }
            java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            java.io.OutputStream held = new java.io.FilterOutputStream(captured) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    if (captured.size() < 1000) { // the gzip header comes before anything is read
                        captured.write(bytes, offset, length);
                        return;
                    }
                    writing.countDown();
                    try {
                        committed.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    captured.write(bytes, offset, length);
                }
            };
            var backupDone = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return StoreBackup.write(busy, KEY, held);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(writing.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            new Settings(busy).put("written-meanwhile", "yes");
            committed.countDown();
            StoreBackup.Summary summary = backupDone.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(summary.rows()).containsEntry("mlflow_experiment_tags", 100L).containsEntry("settings", 0L);
            DatabaseConfig target = h2("snapshot-copy");
            StoreBackup.restore(target, KEY, new ByteArrayInputStream(captured.toByteArray()));
            try (Database copy = Database.open(target)) {
                assertThat(new Settings(copy).get("written-meanwhile")).isEmpty();
            }
            assertThat(new Settings(busy).get("written-meanwhile")).contains("yes");
        } finally {
            busy.close();
        }
    }

    private static DatabaseConfig h2(String name) {
        return new DatabaseConfig(StoreVendor.embeddedH2Url(directory.resolve(name)), null, null, 2);
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zipped = new GZIPOutputStream(out)) {
            zipped.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static List<String> tables(Database database) throws SQLException {
        try (var handle = database.jdbi().open()) {
            return StoreBackup.tables(handle.getConnection());
        }
    }

    /** Two rows from the table's own column types: texts within their length, numbers, a NaN, times, a null. */
    private static void insertRows(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet none = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = none.getMetaData();
            int columns = meta.getColumnCount();
            String sql = "INSERT INTO " + table + " VALUES (" + "?, ".repeat(columns - 1) + "?)";
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (int row = 0; row < 2; row++) {
                    for (int i = 1; i <= columns; i++) {
                        boolean nullable = meta.isNullable(i) == ResultSetMetaData.columnNullable;
                        if (nullable && row == 1 && meta.getColumnType(i) != Types.BIGINT) {
                            insert.setNull(i, meta.getColumnType(i));
                            continue;
                        }
                        switch (meta.getColumnType(i)) {
                            case Types.VARCHAR, Types.CHAR, Types.CLOB -> {
                                String text = "v" + row + "-" + table + "." + meta.getColumnName(i) + " \"ü\n";
                                int length = meta.getPrecision(i);
                                insert.setString(i, length > 0 && length < text.length()
                                        ? text.substring(0, length - 1) + row : text);
                            }
                            case Types.BIGINT -> insert.setLong(i, row == 0 ? Long.MAX_VALUE - i : -i);
                            case Types.INTEGER -> insert.setInt(i, row * 100 + i);
                            case Types.BOOLEAN -> insert.setBoolean(i, row == 0);
                            case Types.DOUBLE -> insert.setDouble(i, row == 0 ? Double.NaN : 0.1 + i);
                            case Types.TIMESTAMP_WITH_TIMEZONE -> insert.setObject(i, OffsetDateTime.of(2026, 12, 5,
                                    13, row, i, 123_456_000, ZoneOffset.UTC));
                            default -> throw new AssertionError("Column " + meta.getColumnName(i) + " of " + table
                                    + " has type " + meta.getColumnTypeName(i) + ": teach this test and the backup");
                        }
                    }
                    insert.executeUpdate();
                }
            }
        }
    }

    /** Every table's rows as text, sorted, times as instants: what two stores must agree on. */
    private static Map<String, List<String>> contents(Database database) throws SQLException {
        Map<String, List<String>> contents = new TreeMap<>();
        try (var handle = database.jdbi().open()) {
            Connection connection = handle.getConnection();
            for (String table : StoreBackup.tables(connection)) {
                List<String> rows = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = result.getMetaData();
                    while (result.next()) {
                        Map<String, String> row = new TreeMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            // PostgreSQL's driver calls a TIMESTAMP WITH TIME ZONE column TIMESTAMP.
                            int type = meta.getColumnType(i);
                            Object value = type == Types.TIMESTAMP_WITH_TIMEZONE || type == Types.TIMESTAMP
                                    ? result.getObject(i, OffsetDateTime.class) : result.getObject(i);
                            row.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), value instanceof OffsetDateTime time
                                    ? time.toInstant().toString() : String.valueOf(value));
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                contents.put(table, rows);
            }
        }
        return contents;
    }
}
