package dev.amlite.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole server on PostgreSQL (--db-url): state survives a restart, and a second server shares it. */
class PostgresServerTest {
    @TempDir
    Path temporary;

    @Test
    void serverRunsOnPostgresqlAndKeepsStateAcrossRestarts() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            String subscription;
            try (TestServer first = TestServer.start(temporary.resolve("a"), "--db-url", url, "--db-user", "postgres",
                    "--master-key-file", temporary.resolve("master.key").toString())) {
                subscription = first.subscriptionId();
                String token = first.adminToken();
                assertThat(first.call("PUT", "/subscriptions/" + subscription + "/resourcegroups/pg1?api-version=2022-09-01",
                        token, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
                try (TestServer replica = TestServer.start(temporary.resolve("b"), "--db-url", url, "--db-user", "postgres",
                        "--master-key-file", temporary.resolve("master.key").toString())) {
                    assertThat(replica.subscriptionId()).isEqualTo(subscription);
                    assertThat(replica.call("GET", "/subscriptions/" + subscription + "/resourcegroups/pg1?api-version=2022-09-01",
                            token, (String) null).status()).as("a token of one replica is valid on the other").isEqualTo(200);
                }
            }
            try (TestServer restarted = TestServer.start(temporary.resolve("c"), "--db-url", url, "--db-user", "postgres",
                    "--master-key-file", temporary.resolve("master.key").toString())) {
                TestServer.Answer group = restarted.call("GET", "/subscriptions/" + subscription
                        + "/resourcegroups/pg1?api-version=2022-09-01", restarted.adminToken(), (String) null);
                assertThat(group.status()).isEqualTo(200);
                assertThat(group.body().path("location").asText()).isEqualTo("japaneast");
            }
        }
    }
}
