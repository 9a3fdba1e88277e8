package dev.amlite.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, migrated schema and JDBI handle of one store. Closing it closes the pool. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The version of the newest migration in {@code db/migration} (a test keeps the two in step). */
    static final int SCHEMA_VERSION = 12;
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final StoreVendor vendor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(HikariDataSource dataSource, StoreVendor vendor) {
        this.dataSource = dataSource;
        this.vendor = vendor;
        this.jdbi = Jdbi.create(dataSource);
        StoredTimes.register(jdbi);
        if (vendor == StoreVendor.H2) {
            H2GroupCommit durable = new H2GroupCommit();
            jdbi.setHandleCallbackDecorator(durable::writtenBeforeReturn);
            jdbi.getConfig(SqlStatements.class).addCustomizer(durable.customizer());
        }
    }

    public static Database open(DatabaseConfig config) {
        HikariDataSource dataSource = pool(config, "amlite-store");
        try {
            if (!atSchemaVersion(dataSource)) {
                // Flyway itself is logged at ERROR only; an upgrade of a large store takes seconds (schema 7
                // rewrites every table with times), so say what the wait is.
                LOG.info("Bringing the store's schema to version {} ...", SCHEMA_VERSION);
                long started = System.nanoTime();
                int executed = migrate(dataSource, null);
                LOG.info("Store schema at version {}: {} migration(s) applied in {} ms", SCHEMA_VERSION, executed,
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        LOG.info("Store ready: {} ({})", config.vendor(), config.jdbcUrl());
        return new Database(dataSource, config.vendor());
    }

    /**
     * A connection pool of {@code config}'s size on its store, not migrated. An embedded store another process has
     * open is refused with a message saying so.
     */
    static HikariDataSource pool(DatabaseConfig config, String name) {
        StoreVendor vendor = config.vendor();
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setDriverClassName(vendor.driverClass());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setPoolName(name);
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw inUse(e).<RuntimeException>map(cause -> new IllegalStateException("The store " + config.jdbcUrl()
                    + " is in use by another process: most likely another amlite server on the same data directory. "
                    + "Stop that one first, or give this one its own --data-dir.", cause)).orElse(e);
        }
    }

    /** Runs the migrations up to {@code target} (null: the newest); returns how many ran. */
    static int migrate(javax.sql.DataSource dataSource, String target) {
        var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
        if (target != null) {
            flyway.target(target);
        }
        return flyway.load().migrate().migrationsExecuted;
    }

    /** H2's "database already open" (error 90020) anywhere in the causes of a failed open. */
    private static java.util.Optional<java.sql.SQLException> inUse(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return java.util.Optional.of(sql);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Whether the store's schema history ends, without a failed step, at {@link #SCHEMA_VERSION}: then there is
     * nothing to migrate, and Flyway (which scans the classpath for migrations and checks each one's checksum, about
     * 0.3 s of every start) is not loaded. Anything else — a new store, one an upgrade must migrate, a failed step, a
     * history this cannot read — goes through Flyway as before.
     */
    static boolean atSchemaVersion(HikariDataSource dataSource) {
        try (var connection = dataSource.getConnection()) {
            return historyVersion(connection) == SCHEMA_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false;
        }
    }

    /**
     * The newest version in the store's schema history, or -1 when a step of it failed; an SQLException when the
     * store has no history (nothing was ever migrated).
     */
    static int historyVersion(java.sql.Connection connection) throws SQLException {
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"")) {
            int newest = -1;
            while (rows.next()) {
                if (!rows.getBoolean(2)) {
                    return -1;
                }
                String version = rows.getString(1);
                if (version != null) {
                    newest = Math.max(newest, Integer.parseInt(version));
                }
            }
            return newest;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public StoreVendor vendor() {
        return vendor;
    }

    /** True when the database answers a trivial query; used by /readyz. */
    public boolean isReachable() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (vendor == StoreVendor.H2) {
            compactH2();
        }
        dataSource.close();
    }

    /**
     * Every durable commit writes a new H2 chunk, and H2's background compaction did not reclaim the old ones in
     * our runs (bench/assets.sh: 10,000 model versions left a 321 MiB file, still 321 MiB after 5 idle minutes).
     * SHUTDOWN COMPACT rewrites the live data on a clean stop (the same file became 5 MiB in under a second).
     */
    private void compactH2() {
        long started = System.nanoTime();
        boolean compacted = false;
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
            compacted = true;
            LOG.info("Store compacted in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            // SHUTDOWN closes the database, so closing the statement and connection afterwards fails: not a failure.
            if (!compacted) {
                LOG.warn("Could not compact the store on shutdown ({}); it stays correct, only larger", e.getMessage());
            }
        }
    }
}
