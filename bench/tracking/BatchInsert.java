import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The physical limit for bench/jobs.sh's log-batch figures: plain JDBC batch inserts of the same rows (1,000
 * metrics per transaction, the mlflow_metrics table and index) into the same database, as durable as amlite's
 * writes (PostgreSQL: the commit; H2: a CHECKPOINT after the commit, as amlite's group commit stores the file).
 * Run: java -cp server/target/amlite-server.jar bench/tracking/BatchInsert.java JDBC_URL USER ROUNDS
 */
public class BatchInsert {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1].isEmpty() ? null : args[1];
        int rounds = Integer.parseInt(args[2]);
        boolean h2 = url.startsWith("jdbc:h2:");
        try (Connection connection = DriverManager.getConnection(url, user, null)) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE IF EXISTS ref_metrics");
                ddl.execute("CREATE TABLE ref_metrics (workspace_key VARCHAR(1024) NOT NULL, run_id VARCHAR(128) NOT NULL,"
                        + " metric_key VARCHAR(250) NOT NULL, metric_value DOUBLE PRECISION NOT NULL, is_nan BOOLEAN NOT NULL,"
                        + " metric_time BIGINT NOT NULL, step BIGINT NOT NULL)");
                ddl.execute("CREATE INDEX ref_metrics_run ON ref_metrics (workspace_key, run_id, metric_key, step)");
            }
            connection.setAutoCommit(false);
            double[] millis = new double[rounds];
            long began = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ref_metrics VALUES (?, ?, ?, ?, ?, ?, ?)");
                 Statement checkpoint = connection.createStatement()) {
                for (int r = 0; r < rounds; r++) {
                    long started = System.nanoTime();
                    long now = System.currentTimeMillis();
                    for (int k = 0; k < 1000; k++) {
                        insert.setString(1, "/subscriptions/bench/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/mlw");
                        insert.setString(2, "run-bench");
                        insert.setString(3, "m" + (k % 20));
                        insert.setDouble(4, k * 0.5);
                        insert.setBoolean(5, false);
                        insert.setLong(6, now);
                        insert.setLong(7, (long) r * 1000 + k);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                    if (h2) {
                        checkpoint.execute("CHECKPOINT");
                    }
                    millis[r] = (System.nanoTime() - started) / 1e6;
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            System.out.printf("{\"rounds\": %d, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"metrics_per_s\": %d}%n", rounds,
                    sorted[sorted.length / 2], sorted[(int) Math.round(0.95 * (sorted.length - 1))],
                    Math.round(rounds * 1000 / seconds));
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE ref_metrics");
            }
            connection.commit();
        }
    }
}
