import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreVendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import org.flywaydb.core.Flyway;

/**
 * The one-time cost of the upgrade to schema 7 (every TIMESTAMP column to TIMESTAMP WITH TIME ZONE) on an H2 store
 * of N resource rows with 800-character documents, written as the stores wrote them before it: the first open
 * (Flyway, V7) and the next one (already current). Run by bench/store/upgrade-v7.sh.
 */
public class UpgradeV7 {
    private static final String WORKSPACE = "/subscriptions/s/resourcegroups/g/providers/"
            + "microsoft.machinelearningservices/workspaces/w";

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("amlite-upgrade-v7");
        String url = StoreVendor.embeddedH2Url(dir);
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("6").load()
                .migrate();
        int rows = Integer.parseInt(args[0]);
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO resources (id_key, id, "
                    + "parent_key, type_key, subscription_key, group_key, name, location, body, state, etag, "
                    + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Timestamp now = Timestamp.from(Instant.now());
                String body = "{\"properties\":{\"x\":\"" + "y".repeat(800) + "\"}}";
                for (int i = 0; i < rows; i++) {
                    String id = WORKSPACE + "/models/m" + i;
                    insert.setString(1, id);
                    insert.setString(2, id);
                    insert.setString(3, WORKSPACE);
                    insert.setString(4, "microsoft.machinelearningservices/workspaces/models");
                    insert.setString(5, "s");
                    insert.setString(6, "g");
                    insert.setString(7, "m" + i);
                    insert.setString(8, "japaneast");
                    insert.setString(9, body);
                    insert.setString(10, "ACTIVE");
                    insert.setString(11, "e");
                    insert.setTimestamp(12, now);
                    insert.setTimestamp(13, now);
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        long start = System.nanoTime();
        Database.open(new DatabaseConfig(url, null, null, 2)).close();
        long upgraded = System.nanoTime();
        Database.open(new DatabaseConfig(url, null, null, 2)).close();
        long reopened = System.nanoTime();
        System.out.printf("rows=%d upgrade open (V7) %d ms, next open %d ms%n", rows,
                (upgraded - start) / 1_000_000, (reopened - upgraded) / 1_000_000);
    }
}
