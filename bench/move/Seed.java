import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Fills a stopped server's store for bench/moves.sh: clones of rows the server itself wrote (a model container and
 * version, an environment container and version, a completed job and its MLflow run, all named tpl*) until the
 * workspace holds MODELS x VERSIONS model versions, ENVS x ENV_VERSIONS environment versions and JOBS jobs with
 * METRICS metrics each. Plain JDBC batches, committed every 1,000 rows; the server must not be running (H2 locks
 * its file). Run: java -cp server/target/amlite-server.jar bench/move/Seed.java JDBC_URL USER WORKSPACE_ID
 *      MODELS VERSIONS ENVS ENV_VERSIONS JOBS METRICS
 */
public class Seed {
    private static final String ML = "microsoft.machinelearningservices/workspaces";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1].isEmpty() ? null : args[1];
        String workspace = args[2];
        int models = Integer.parseInt(args[3]), versions = Integer.parseInt(args[4]);
        int envs = Integer.parseInt(args[5]), envVersions = Integer.parseInt(args[6]);
        int jobs = Integer.parseInt(args[7]), metrics = Integer.parseInt(args[8]);
        long began = System.nanoTime();
        try (Connection db = DriverManager.getConnection(url, user, null)) {
            db.setAutoCommit(false);
            Rows rows = new Rows(db, workspace);
            for (int m = 0; m < models; m++) {
                String name = "m" + m;
                rows.cloneRow(workspace + "/models/tplmodel", "tplmodel", name);
                for (int v = 1; v <= versions; v++) {
                    rows.cloneVersion(workspace + "/models/tplmodel/versions/1", "/models/tplmodel/versions/1",
                            "/models/" + name + "/versions/" + v, String.valueOf(v));
                }
            }
            for (int e = 0; e < envs; e++) {
                String name = "e" + e;
                rows.cloneRow(workspace + "/environments/tplenv", "tplenv", name);
                for (int v = 1; v <= envVersions; v++) {
                    rows.cloneVersion(workspace + "/environments/tplenv/versions/1", "/environments/tplenv/versions/1",
                            "/environments/" + name + "/versions/" + v, String.valueOf(v));
                }
            }
            String guid = rows.workspaceGuid(workspace);
            try (PreparedStatement run = db.prepareStatement("INSERT INTO mlflow_runs (workspace_key, run_id, "
                    + "experiment_id, run_name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri) "
                    + "SELECT workspace_key, ?, experiment_id, ?, user_id, status, start_time, end_time, lifecycle_stage, "
                    + "REPLACE(artifact_uri, 'tpljob', ?) FROM mlflow_runs WHERE workspace_key = ? AND run_id = 'tpljob'");
                 PreparedStatement metric = db.prepareStatement("INSERT INTO mlflow_metrics VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                long now = System.currentTimeMillis();
                for (int j = 0; j < jobs; j++) {
                    String name = "j" + j;
                    rows.cloneRow(workspace + "/jobs/tpljob", "tpljob", name);
                    run.setString(1, name);
                    run.setString(2, name);
                    run.setString(3, name);
                    run.setString(4, guid);
                    run.addBatch();
                    for (int k = 0; k < metrics; k++) {
                        metric.setString(1, guid);
                        metric.setString(2, name);
                        metric.setString(3, "loss");
                        metric.setDouble(4, 1.0 / (k + 1));
                        metric.setBoolean(5, false);
                        metric.setLong(6, now + k);
                        metric.setLong(7, k);
                        metric.addBatch();
                    }
                    if (j % 1000 == 999) {
                        run.executeBatch();
                        metric.executeBatch();
                        rows.flush();
                    }
                }
                run.executeBatch();
                metric.executeBatch();
            }
            rows.flush();
            if (url.startsWith("jdbc:h2:")) {
                db.createStatement().execute("CHECKPOINT SYNC");
            }
            System.out.printf(Locale.ROOT, "seeded %d rows in %.1f s%n", rows.count, (System.nanoTime() - began) / 1e9);
        }
    }

    /** Copies of template rows with new ids, names and etags, written in batches. */
    static final class Rows {
        private final Connection db;
        private final PreparedStatement insert;
        private final PreparedStatement read;
        int count;
        private int pending;

        Rows(Connection db, String workspace) throws Exception {
            this.db = db;
            this.insert = db.prepareStatement("INSERT INTO resources (id_key, id, parent_key, type_key, subscription_key,"
                    + " group_key, name, location, body, state, etag, created_at, updated_at, anchor) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?)");
            this.read = db.prepareStatement("SELECT id, parent_key, type_key, subscription_key, group_key, name, location,"
                    + " body, etag, anchor FROM resources WHERE id_key = ?");
            // Rows below a workspace are kept below its anchor (store/V6__anchors.sql): the templates are found,
            // and the clones written, there.
            try (PreparedStatement anchorOf = db.prepareStatement("SELECT anchor FROM anchors WHERE id_key = ?")) {
                anchorOf.setString(1, workspace.toLowerCase(Locale.ROOT));
                try (ResultSet row = anchorOf.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no anchor for " + workspace);
                    }
                    this.anchor = row.getString(1);
                }
            }
            this.workspace = workspace;
        }

        private final String anchor;
        private final String workspace;

        String workspaceGuid(String workspace) throws Exception {
            read.setString(1, workspace.toLowerCase(Locale.ROOT));
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no workspace " + workspace);
                }
                String body = row.getString("body");
                int at = body.indexOf("\"workspaceId\":\"") + "\"workspaceId\":\"".length();
                return body.substring(at, body.indexOf('"', at));
            }
        }

        /** A row whose name appears in its id and body: every occurrence of {@code from} becomes {@code to}. */
        void cloneRow(String templateId, String from, String to) throws Exception {
            Template t = template(templateId);
            write(t.id.replace(from, to), t.parent == null ? null : t.parent.replace(from.toLowerCase(Locale.ROOT),
                    to.toLowerCase(Locale.ROOT)), t, to, t.body.replace(from, to));
        }

        /** A version row: its id path and its name (the version number) change. */
        void cloneVersion(String templateId, String fromPath, String toPath, String version) throws Exception {
            Template t = template(templateId);
            String id = t.id.replace(fromPath, toPath);
            String parent = id.substring(0, id.lastIndexOf("/versions/")).toLowerCase(Locale.ROOT);
            write(id, parent, t, version, t.body.replace(fromPath, toPath).replace("\"name\":\"1\"", "\"name\":\"" + version + "\""));
        }

        private Template cached;

        private Template template(String armId) throws Exception {
            String id = anchor + armId.substring(workspace.length());
            if (cached != null && cached.id.equalsIgnoreCase(id)) {
                return cached;
            }
            read.setString(1, id.toLowerCase(Locale.ROOT));
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no template row " + id);
                }
                cached = new Template(row.getString("id"), row.getString("parent_key"), row.getString("type_key"),
                        row.getString("subscription_key"), row.getString("group_key"), row.getString("location"),
                        row.getString("body"), row.getString("etag"), row.getString("anchor"));
                return cached;
            }
        }

        private void write(String id, String parent, Template t, String name, String body) throws Exception {
            Timestamp now = Timestamp.from(Instant.now());
            String etag = "\"" + UUID.randomUUID() + "\"";
            insert.setString(1, id.toLowerCase(Locale.ROOT));
            insert.setString(2, id);
            insert.setString(3, parent);
            insert.setString(4, t.type);
            insert.setString(5, t.subscription);
            insert.setString(6, t.group);
            insert.setString(7, name);
            insert.setString(8, t.location);
            insert.setString(9, body.replace(escaped(t.etag), escaped(etag)));
            insert.setString(10, etag);
            insert.setTimestamp(11, now);
            insert.setTimestamp(12, now);
            insert.setString(13, t.anchor);
            insert.addBatch();
            count++;
            if (++pending == 1000) {
                flush();
            }
        }

        /** An etag as it appears inside a JSON document (its quotes escaped). */
        private static String escaped(String etag) {
            return etag.replace("\"", "\\\"");
        }

        void flush() throws Exception {
            if (pending > 0) {
                insert.executeBatch();
                pending = 0;
            }
            db.commit();
        }
    }

    record Template(String id, String parent, String type, String subscription, String group, String location,
                    String body, String etag, String anchor) {
    }
}
