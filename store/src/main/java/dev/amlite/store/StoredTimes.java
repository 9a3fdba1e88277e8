package dev.amlite.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * How the store writes and reads times: as instants with a UTC offset in {@code TIMESTAMP WITH TIME ZONE} columns.
 * JDBI's own binding of {@link Instant} goes through {@link java.sql.Timestamp}, whose wall-clock conversion uses
 * the JVM's default zone; with it, a server restarted under another TZ read every stored time shifted.
 */
final class StoredTimes {
    private StoredTimes() {
    }

    /** Binds every {@link Instant} argument of {@code jdbi} as an {@link OffsetDateTime} at UTC. */
    static void register(Jdbi jdbi) {
        jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.TIMESTAMP_WITH_TIMEZONE) {
            @Override
            protected Argument build(Instant value, ConfigRegistry config) {
                OffsetDateTime utc = OffsetDateTime.ofInstant(value, ZoneOffset.UTC);
                return (position, statement, context) -> statement.setObject(position, utc);
            }
        });
    }

    /** The instant in {@code column} of the current row, or null when it is SQL NULL. */
    static Instant read(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
