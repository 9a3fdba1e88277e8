import java.nio.file.*;
import java.sql.*;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import dev.amlite.store.*;

/**
 * The one-time cost of the upgrade to schema 7 (every TIMESTAMP column to TIMESTAMP WITH TIME ZONE) on an H2 store
 * of N resource rows with 800-character documents, written as the stores wrote them before it: the first open
 * (Flyway, V7) and the next one (already current). Run by bench/store/upgrade-v7.sh.
 */
public class UpgradeV7 {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("amlite-upgrade-v7");
        String url = StoreVendor.embeddedH2Url(dir);
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("6").load().migrate();
        int n = Integer.parseInt(args[0]);
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO resources (id_key, id, parent_key, type_key, subscription_key, group_key, name, location, body, state, etag, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                Timestamp now = Timestamp.from(Instant.now());
                String body = "{\"properties\":{\"x\":\"" + "y".repeat(800) + "\"}}";
                for (int i = 0; i < n; i++) {
                    String id = "/subscriptions/s/resourcegroups/g/providers/microsoft.machinelearningservices/workspaces/w/models/m" + i;
                    p.setString(1, id); p.setString(2, id); p.setString(3, "/subscriptions/s/resourcegroups/g/providers/microsoft.machinelearningservices/workspaces/w");
                    p.setString(4, "microsoft.machinelearningservices/workspaces/models"); p.setString(5, "s"); p.setString(6, "g");
                    p.setString(7, "m" + i); p.setString(8, "japaneast"); p.setString(9, body); p.setString(10, "ACTIVE"); p.setString(11, "e");
                    p.setTimestamp(12, now); p.setTimestamp(13, now); p.addBatch();
                    if (i % 1000 == 999) { p.executeBatch(); }
                }
                p.executeBatch();
            }
            c.commit();
        }
        long t0 = System.nanoTime();
        Database.open(new DatabaseConfig(url, null, null, 2)).close();
        long t1 = System.nanoTime();
        Database.open(new DatabaseConfig(url, null, null, 2)).close();
        long t2 = System.nanoTime();
        System.out.printf("rows=%d upgrade open (V7) %d ms, next open %d ms%n", n, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }
}
