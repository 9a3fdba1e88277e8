package dev.amlite.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A logical copy of the whole store — every table but Flyway's history, row by row — read from one snapshot while
 * the server runs, and restored into a new store of either vendor (so it also moves an embedded H2 store to
 * PostgreSQL). The file is gzip'd JSON lines: a header (format, schema version, the check of the master key that
 * sealed the secrets in it), then per table a line naming it and its columns followed by one array per row, then
 * an end line with every table's count. A file without its end line, or whose counts differ, is refused whole: a
 * restore is one transaction, so a bad file leaves the new store empty.
 *
 * <p>The copy holds sealed secrets and password hashes, never a key: it is only as useful as the master key kept
 * apart from it, and the restore refuses a key other than the one that sealed it.
 */
public final class StoreBackup {
    public static final String FORMAT = "amlite-store-backup";
    static final int FORMAT_VERSION = 1;
    private static final String HISTORY = "flyway_schema_history";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int BATCH = 500;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a backup holds: the schema it was taken at, when, and each table's rows. */
    public record Summary(int schemaVersion, Instant createdAt, Map<String, Long> rows) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A backup that cannot be restored here, or a store it cannot go into; the message says which and why. */
    public static final class RestoreException extends RuntimeException {
        public RestoreException(String message) {
            super(message);
        }
    }

    /** How a column's values are written and bound: the few SQL types the schema uses. */
    private enum Kind {
        TEXT, LONG, INT, BOOL, DOUBLE, TIME;

        static Kind of(int sqlType, String table, String column, String typeName) {
            return switch (sqlType) {
                case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.CLOB, Types.NVARCHAR, Types.NCHAR -> TEXT;
                case Types.BIGINT -> LONG;
                case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> INT;
                case Types.BOOLEAN, Types.BIT -> BOOL;
                case Types.DOUBLE, Types.FLOAT, Types.REAL -> DOUBLE;
                case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> TIME;
                default -> throw new IllegalStateException("Column " + column + " of table " + table + " has type "
                        + typeName + ", which the backup does not know how to copy");
            };
        }
    }

    private StoreBackup() {
    }

    /**
     * Writes the whole store to {@code out} (gzip'd; {@code out} is finished, not closed) from one snapshot, so the
     * tables agree with each other whatever the server writes meanwhile. {@code keyCheck} goes into the header.
     */
    public static Summary write(Database database, String keyCheck, OutputStream out) throws IOException {
        Instant createdAt = Instant.now();
        Map<String, Long> counts = new LinkedHashMap<>();
        int schemaVersion;
        GZIPOutputStream zipped = new GZIPOutputStream(out, 1 << 16);
        JsonGenerator json = new JsonFactory().createGenerator(zipped);
        json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        try (var handle = database.jdbi().open()) {
            Connection connection = handle.getConnection();
            boolean h2 = database.vendor() == StoreVendor.H2;
            beginSnapshot(connection, h2);
            try {
                schemaVersion = Database.historyVersion(connection);
                json.writeStartObject();
                json.writeStringField("format", FORMAT);
                json.writeNumberField("formatVersion", FORMAT_VERSION);
                json.writeNumberField("schemaVersion", schemaVersion);
                json.writeStringField("createdAt", createdAt.toString());
                json.writeStringField("vendor", database.vendor().name());
                json.writeStringField("keyCheck", keyCheck);
                json.writeEndObject();
                for (String table : tables(connection)) {
                    counts.put(table, writeTable(connection, table, json));
                }
                json.writeStartObject();
                json.writeObjectFieldStart("end");
                for (Map.Entry<String, Long> count : counts.entrySet()) {
                    json.writeNumberField(count.getKey(), count.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
                json.writeRaw('\n');
                json.flush();
                connection.commit();
            } finally {
                endSnapshot(connection, h2);
            }
        } catch (SQLException e) {
            throw new IOException("Reading the store for the backup failed: " + e.getMessage(), e);
        }
        zipped.finish();
        return new Summary(schemaVersion, createdAt, counts);
    }

    private static void beginSnapshot(Connection connection, boolean h2) throws SQLException {
        isolate(connection, h2, true);
        connection.setAutoCommit(false);
    }

    private static void endSnapshot(Connection connection, boolean h2) throws SQLException {
        connection.rollback();
        isolate(connection, h2, false);
        connection.setAutoCommit(true);
    }

    /**
     * A snapshot of the whole store for the next transaction, or back to the pool's READ COMMITTED. H2's SNAPSHOT
     * level reads every table as of the transaction's first read; its REPEATABLE READ would take each table as of
     * its own first read. PostgreSQL's REPEATABLE READ is a snapshot of everything.
     */
    private static void isolate(Connection connection, boolean h2, boolean snapshot) throws SQLException {
        if (h2) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
                        + (snapshot ? "SNAPSHOT" : "READ COMMITTED"));
            }
        } else {
            connection.setTransactionIsolation(snapshot ? Connection.TRANSACTION_REPEATABLE_READ
                    : Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    private static long writeTable(Connection connection, String table, JsonGenerator json)
            throws SQLException, IOException {
        long count = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                Map<String, Kind> byName = columns(rows.getMetaData(), table);
                Kind[] kinds = byName.values().toArray(Kind[]::new);
                int columns = kinds.length;
                json.writeStartObject();
                json.writeStringField("table", table);
                json.writeArrayFieldStart("columns");
                for (String column : byName.keySet()) {
                    json.writeString(column);
                }
                json.writeEndArray();
                json.writeEndObject();
                while (rows.next()) {
                    json.writeStartArray();
                    for (int i = 1; i <= columns; i++) {
                        writeValue(rows, i, kinds[i - 1], json);
                    }
                    json.writeEndArray();
                    count++;
                }
            }
        }
        return count;
    }

    private static void writeValue(ResultSet rows, int i, Kind kind, JsonGenerator json)
            throws SQLException, IOException {
        Object value = switch (kind) {
            case TEXT -> rows.getString(i);
            case LONG, INT -> rows.getLong(i);
            case BOOL -> rows.getBoolean(i);
            case DOUBLE -> rows.getDouble(i);
            case TIME -> rows.getObject(i, OffsetDateTime.class);
        };
        if (rows.wasNull() || value == null) {
            json.writeNull();
        } else if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Double number && Double.isFinite(number)) {
            json.writeNumber(number);
        } else {
            json.writeString(value.toString()); // texts, times, and NaN or Infinity (MLflow metrics may be either)
        }
    }

    /** The store's tables, lower-case, Flyway's history left out, in name order. */
    static List<String> tables(Connection connection) throws SQLException {
        return allTables(connection).stream().filter(table -> !table.equals(HISTORY)).toList();
    }

    private static Set<String> allTables(Connection connection) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, connection.getSchema(), "%",
                new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    /** A result's columns, lower-case, in order, each with how its values are copied. */
    private static Map<String, Kind> columns(ResultSetMetaData meta, String table) throws SQLException {
        Map<String, Kind> columns = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String column = meta.getColumnName(i).toLowerCase(Locale.ROOT);
            columns.put(column, Kind.of(meta.getColumnType(i), table, column, meta.getColumnTypeName(i)));
        }
        return columns;
    }

    /**
     * Restores a backup into the store of {@code config}, which must hold no rows (a new data directory, or an empty
     * database). The schema is made at the backup's version, the rows go in as one transaction, then the schema is
     * brought to this build's version. Refuses, changing nothing, a file that is not a whole backup, one taken by a
     * newer amlite, one whose secrets another master key sealed ({@code keyCheck} differs), and a store with data.
     */
    public static Summary restore(DatabaseConfig config, String keyCheck, InputStream in) throws IOException {
        MappingIterator<JsonNode> lines;
        JsonNode header;
        try {
            lines = MAPPER.readerFor(JsonNode.class).without(com.fasterxml.jackson.databind.DeserializationFeature
                    .FAIL_ON_TRAILING_TOKENS).readValues(MAPPER.getFactory().createParser(
                    new GZIPInputStream(in, 1 << 16)).configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, true));
            header = lines.hasNextValue() ? lines.nextValue() : null;
        } catch (IOException e) {
            throw new RestoreException("The file is not an amlite store backup (a gzip'd file made by 'amlite server "
                    + "backup'): " + e.getMessage());
        }
        int schemaVersion = checkHeader(header, keyCheck);
        Instant createdAt = Instant.parse(header.path("createdAt").asText());
        try (HikariDataSource dataSource = Database.pool(config, "amlite-restore")) {
            checkEmpty(dataSource, schemaVersion);
            Database.migrate(dataSource, String.valueOf(schemaVersion));
            Map<String, Long> counts = insertAll(dataSource, lines);
            lines.close();
            Database.migrate(dataSource, null);
            return new Summary(schemaVersion, createdAt, counts);
        }
    }

    private static int checkHeader(JsonNode header, String keyCheck) {
        if (header == null || !FORMAT.equals(header.path("format").asText())) {
            throw new RestoreException("The file is not an amlite store backup (a gzip'd file made by 'amlite server "
                    + "backup'): its first line does not name the format '" + FORMAT + "'.");
        }
        int formatVersion = header.path("formatVersion").asInt(-1);
        if (formatVersion != FORMAT_VERSION) {
            throw new RestoreException("The backup is in format version " + formatVersion + "; this amlite reads "
                    + "version " + FORMAT_VERSION + ".");
        }
        int schemaVersion = header.path("schemaVersion").asInt(-1);
        if (schemaVersion < 1 || schemaVersion > Database.SCHEMA_VERSION) {
            throw new RestoreException("The backup was taken at store schema version " + schemaVersion + "; this amlite "
                    + "knows versions 1 to " + Database.SCHEMA_VERSION + ". Restore it with the amlite that took it "
                    + "or a newer one.");
        }
        byte[] expected = header.path("keyCheck").asText("").getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, keyCheck.getBytes(StandardCharsets.US_ASCII))) {
            throw new RestoreException("The backup's secrets were sealed with another master key than the one given. "
                    + "Give the key of the server that took it: its data directory's secrets/master.key, or the file "
                    + "it was started with (--master-key-file).");
        }
        return schemaVersion;
    }

    /** Refuses a store that holds any row, or whose schema is past the backup's. */
    private static void checkEmpty(HikariDataSource dataSource, int schemaVersion) {
        try (Connection connection = dataSource.getConnection()) {
            Set<String> all = allTables(connection);
            for (String table : all) {
                if (table.equals(HISTORY)) {
                    continue;
                }
                try (Statement statement = connection.createStatement();
                     ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    count.next();
                    if (count.getLong(1) > 0) {
                        throw new RestoreException("The store " + where(dataSource) + " already holds data (table "
                                + table + " has " + count.getLong(1) + " row(s)). A restore goes into a new store: "
                                + "a new --data-dir, or an empty database.");
                    }
                }
            }
            int current = all.contains(HISTORY) ? Database.historyVersion(connection) : 0;
            if (current > schemaVersion) {
                throw new RestoreException("The store " + where(dataSource) + " is at schema version " + current
                        + ", newer than the backup's " + schemaVersion + ". A restore goes into a new store: a new "
                        + "--data-dir, or an empty database.");
            }
        } catch (SQLException e) {
            throw new RestoreException("The store " + where(dataSource) + " cannot be read: " + e.getMessage());
        }
    }

    private static String where(HikariDataSource dataSource) {
        String url = dataSource.getJdbcUrl();
        int options = url.indexOf(';');
        return options < 0 ? url : url.substring(0, options);
    }

    private static Map<String, Long> insertAll(HikariDataSource dataSource, MappingIterator<JsonNode> lines)
            throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            Set<String> known = Set.copyOf(tables(connection));
            Section section = null;
            JsonNode end = null;
            try {
                while (lines.hasNextValue()) {
                    JsonNode line = lines.nextValue();
                    if (end != null) {
                        throw new RestoreException("The backup has lines after its end line: it is damaged.");
                    }
                    if (line.isArray()) {
                        if (section == null) {
                            throw new RestoreException("The backup has a row before any table line: it is damaged.");
                        }
                        section.add(line);
                    } else if (line.has("table")) {
                        if (section != null) {
                            counts.put(section.table, section.finish());
                        }
                        section = Section.open(connection, known, line);
                    } else if (line.has("end")) {
                        if (section != null) {
                            counts.put(section.table, section.finish());
                            section = null;
                        }
                        end = line.get("end");
                    } else {
                        throw new RestoreException("The backup has a line this amlite does not know: it is damaged.");
                    }
                }
            } catch (IOException e) {
                throw new RestoreException("The backup could not be read to its end (" + e.getMessage() + "): it is "
                        + "damaged or cut short. Nothing was restored.");
            }
            if (end == null) {
                throw new RestoreException("The backup ends without its end line: it was cut short (the server or the "
                        + "copy stopped while it was written). Nothing was restored.");
            }
            Map<String, Long> promised = new LinkedHashMap<>();
            end.fields().forEachRemaining(entry -> promised.put(entry.getKey(), entry.getValue().asLong()));
            if (!promised.equals(counts)) {
                throw new RestoreException("The backup's rows do not match its end line (" + counts + " read, "
                        + promised + " written): it is damaged. Nothing was restored.");
            }
            connection.commit();
            return counts;
        } catch (SQLException e) {
            throw new RestoreException("Writing the backup's rows failed, and nothing was restored: " + e.getMessage());
        }
    }

    /** The rows of one table going in: a prepared insert, batched. */
    private static final class Section {
        private final String table;
        private final PreparedStatement insert;
        private final Kind[] kinds;
        private long rows;
        private int pending;

        private Section(String table, PreparedStatement insert, Kind[] kinds) {
            this.table = table;
            this.insert = insert;
            this.kinds = kinds;
        }

        static Section open(Connection connection, Set<String> known, JsonNode line) throws SQLException {
            String table = line.path("table").asText();
            if (!NAME.matcher(table).matches() || !known.contains(table)) {
                throw new RestoreException("The backup names a table '" + table + "' that a store at its schema version "
                        + "does not have: it is damaged.");
            }
            List<String> columns = new ArrayList<>();
            line.path("columns").forEach(column -> columns.add(column.asText()));
            Map<String, Kind> byName;
            try (Statement statement = connection.createStatement();
                 ResultSet none = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
                byName = columns(none.getMetaData(), table);
            }
            Kind[] kinds = new Kind[columns.size()];
            for (int i = 0; i < kinds.length; i++) {
                String column = columns.get(i);
                if (!NAME.matcher(column).matches() || !byName.containsKey(column)) {
                    throw new RestoreException("The backup names a column '" + column + "' of table " + table
                            + " that a store at its schema version does not have: it is damaged.");
                }
                kinds[i] = byName.get(column);
            }
            String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
            return new Section(table, connection.prepareStatement(sql), kinds);
        }

        void add(JsonNode row) throws SQLException {
            if (row.size() != kinds.length) {
                throw new RestoreException("A row of table " + table + " has " + row.size() + " values for "
                        + kinds.length + " columns: the backup is damaged.");
            }
            for (int i = 0; i < kinds.length; i++) {
                bind(i + 1, kinds[i], row.get(i));
            }
            insert.addBatch();
            rows++;
            if (++pending == BATCH) {
                insert.executeBatch();
                pending = 0;
            }
        }

        private void bind(int index, Kind kind, JsonNode value) throws SQLException {
            if (value == null || value.isNull()) {
                insert.setNull(index, switch (kind) {
                    case TEXT -> Types.VARCHAR;
                    case LONG -> Types.BIGINT;
                    case INT -> Types.INTEGER;
                    case BOOL -> Types.BOOLEAN;
                    case DOUBLE -> Types.DOUBLE;
                    case TIME -> Types.TIMESTAMP_WITH_TIMEZONE;
                });
                return;
            }
            switch (kind) {
                case TEXT -> insert.setString(index, value.asText());
                case LONG -> insert.setLong(index, value.asLong());
                case INT -> insert.setInt(index, value.asInt());
                case BOOL -> insert.setBoolean(index, value.asBoolean());
                case DOUBLE -> insert.setDouble(index, value.isTextual() ? Double.parseDouble(value.asText())
                        : value.asDouble());
                case TIME -> insert.setObject(index, OffsetDateTime.parse(value.asText()));
            }
        }

        long finish() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
            }
            insert.close();
            return rows;
        }
    }
}
