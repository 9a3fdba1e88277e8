import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The reference for bench/moves.sh: what the database alone needs to move ROWS rows the way a move must — one
 * transaction, one UPDATE that gives every row a new primary key, parent, group and etag and rewrites the old id
 * inside a 1.5 KB document — on a table with the resources table's columns and indexes, nothing else in it. ROUNDS
 * moves back and forth; prints the median of the UPDATE plus its commit.
 * Run: java -cp server/target/amlite-server.jar bench/move/UpdateFloor.java JDBC_URL USER ROWS ROUNDS
 */
public class UpdateFloor {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1].isEmpty() ? null : args[1];
        int rows = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        try (Connection db = DriverManager.getConnection(url, user, null); Statement ddl = db.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS floor_resources");
            ddl.execute("CREATE TABLE floor_resources (id_key VARCHAR(2048) NOT NULL PRIMARY KEY, id VARCHAR(2048) NOT NULL,"
                    + " parent_key VARCHAR(2048), type_key VARCHAR(512) NOT NULL, subscription_key VARCHAR(64),"
                    + " group_key VARCHAR(128), name VARCHAR(512) NOT NULL, body VARCHAR NOT NULL, etag VARCHAR(64) NOT NULL)");
            ddl.execute("CREATE INDEX floor_parent ON floor_resources (parent_key)");
            ddl.execute("CREATE INDEX floor_subscription_type ON floor_resources (subscription_key, type_key)");
            ddl.execute("CREATE INDEX floor_group ON floor_resources (subscription_key, group_key)");
            ddl.execute("CREATE INDEX floor_type_name ON floor_resources (type_key, name)");
            db.setAutoCommit(false);
            String here = "/subscriptions/3ac868eb-7d2c-4b61-a312-9078af1f2bd8/resourcegroups/rg/providers/"
                    + "microsoft.machinelearningservices/workspaces/mlw";
            String there = "/subscriptions/73451cb9-398b-4c19-af76-af313e815625/resourcegroups/rg2/providers/"
                    + "microsoft.machinelearningservices/workspaces/mlw";
            String padding = "x".repeat(1400);
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO floor_resources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    String id = here + "/jobs/j" + i;
                    insert.setString(1, id);
                    insert.setString(2, id);
                    insert.setString(3, here);
                    insert.setString(4, "microsoft.machinelearningservices/workspaces/jobs");
                    insert.setString(5, "3ac868eb-7d2c-4b61-a312-9078af1f2bd8");
                    insert.setString(6, "rg");
                    insert.setString(7, "j" + i);
                    insert.setString(8, "{\"id\":\"" + id + "\",\"properties\":\"" + padding + "\"}");
                    insert.setString(9, "e");
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
                db.commit();
            }
            double[] millis = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                String from = round % 2 == 0 ? here : there;
                String to = round % 2 == 0 ? there : here;
                long started = System.nanoTime();
                try (PreparedStatement move = db.prepareStatement("UPDATE floor_resources SET id_key = ? || SUBSTRING(id_key FROM ?),"
                        + " id = ? || SUBSTRING(id FROM ?), parent_key = ?, subscription_key = ?, group_key = ?, etag = ?,"
                        + " body = REPLACE(body, ?, ?) WHERE id_key LIKE ?")) {
                    move.setString(1, to);
                    move.setInt(2, from.length() + 1);
                    move.setString(3, to);
                    move.setInt(4, from.length() + 1);
                    move.setString(5, to);
                    move.setString(6, to.split("/")[2]);
                    move.setString(7, to.split("/")[4]);
                    move.setString(8, "e" + round);
                    move.setString(9, from + "/");
                    move.setString(10, to + "/");
                    move.setString(11, from + "/%");
                    if (move.executeUpdate() != rows) {
                        throw new IllegalStateException("not every row moved");
                    }
                }
                db.commit();
                millis[round] = (System.nanoTime() - started) / 1e6;
            }
            ddl.execute("DROP TABLE floor_resources");
            db.commit();
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            System.out.printf("{\"rows\": %d, \"median_ms\": %.1f, \"all_ms\": %s}%n", rows, sorted[rounds / 2],
                    Arrays.toString(Arrays.stream(millis).map(m -> Math.round(m)).toArray()));
        }
    }
}
