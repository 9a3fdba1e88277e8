package dev.amlite.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import static java.util.Objects.requireNonNull;

/**
 * MLflow's tracking data per workspace: experiments, runs with their metrics, params and tags, registered models
 * and their versions. It stores and reads; the rules (limits, immutability of params, what a status may become)
 * belong to the API above it. {@code workspace} is the workspace's lower-case ARM id.
 */
public final class TrackingStore {
    /** Run ids per query of {@link #summaries}: well under any database's limit of bound parameters. */
    private static final int SUMMARY_BATCH = 500;
    private final Jdbi jdbi;

    public TrackingStore(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    public record Experiment(String id, String name, String artifactLocation, String lifecycleStage, long creationTime,
                             long lastUpdateTime, Map<String, String> tags) {
    }

    public record Run(String runId, String experimentId, String runName, String userId, String status, long startTime,
                      Long endTime, String lifecycleStage, String artifactUri) {
    }

    public record Metric(String key, double value, long timestamp, long step) {
    }

    public record RunData(List<Metric> latestMetrics, Map<String, String> params, Map<String, String> tags) {
    }

    /** A run with its latest metrics and its params: what a job list shows of each job's run. */
    public record RunSummary(Run run, List<Metric> latestMetrics, Map<String, String> params) {
    }

    public record RegisteredModel(String name, String description, long creationTime, long lastUpdatedTime) {
    }

    public record ModelVersion(String name, int version, String description, String source, String runId,
                               String status, String currentStage, long creationTime, long lastUpdatedTime) {
    }

    private static String key(String workspace) {
        return workspace.toLowerCase(Locale.ROOT);
    }

    // --- experiments

    /** Inserts an experiment; false when the workspace has one of that name already (names are case-insensitive). */
    public boolean createExperiment(String workspace, String id, String name, String artifactLocation, long now) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                    INSERT INTO mlflow_experiments (workspace_key, experiment_id, name, name_key, artifact_location,
                    lifecycle_stage, creation_time, last_update_time) VALUES (:w, :id, :name, :nameKey, :artifacts,
                    'active', :now, :now)""")
                    .bind("w", key(workspace)).bind("id", id).bind("name", name)
                    .bind("nameKey", name.toLowerCase(Locale.ROOT)).bind("artifacts", artifactLocation).bind("now", now)
                    .execute());
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    public Optional<Experiment> experiment(String workspace, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_experiments WHERE workspace_key = :w AND experiment_id = :id")
                .bind("w", key(workspace)).bind("id", id).map((r, c) -> experimentRow(r)).findOne()
                .map(e -> withTags(h, workspace, e)));
    }

    public Optional<Experiment> experimentByName(String workspace, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_experiments WHERE workspace_key = :w AND name_key = :n")
                .bind("w", key(workspace)).bind("n", name.toLowerCase(Locale.ROOT)).map((r, c) -> experimentRow(r))
                .findOne().map(e -> withTags(h, workspace, e)));
    }

    /** Experiments in creation order, from {@code offset}, at most {@code limit}; {@code stage} null for all. */
    public List<Experiment> experiments(String workspace, String stage, int offset, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_experiments WHERE workspace_key = :w"
                        + (stage == null ? "" : " AND lifecycle_stage = :stage")
                        + " ORDER BY creation_time, experiment_id LIMIT :limit OFFSET :offset")
                .bind("w", key(workspace)).bind("stage", stage).bind("limit", limit).bind("offset", offset)
                .map((r, c) -> experimentRow(r)).list().stream().map(e -> withTags(h, workspace, e)).toList());
    }

    public boolean updateExperiment(String workspace, String id, String newName, String stage, long now) {
        try {
            return jdbi.withHandle(h -> h.createUpdate("UPDATE mlflow_experiments SET last_update_time = :now"
                            + (newName == null ? "" : ", name = :name, name_key = :nameKey")
                            + (stage == null ? "" : ", lifecycle_stage = :stage")
                            + " WHERE workspace_key = :w AND experiment_id = :id")
                    .bind("now", now).bind("name", newName)
                    .bind("nameKey", newName == null ? null : newName.toLowerCase(Locale.ROOT)).bind("stage", stage)
                    .bind("w", key(workspace)).bind("id", id).execute()) > 0;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    public void setExperimentTag(String workspace, String id, String tag, String value) {
        jdbi.useTransaction(h -> upsert(h, "mlflow_experiment_tags", "experiment_id", id, "tag_key", tag, "tag_value",
                value, workspace));
    }

    private static Experiment withTags(Handle h, String workspace, Experiment e) {
        Map<String, String> tags = new LinkedHashMap<>();
        h.createQuery("SELECT tag_key, tag_value FROM mlflow_experiment_tags WHERE workspace_key = :w AND experiment_id = :id ORDER BY tag_key")
                .bind("w", key(workspace)).bind("id", e.id())
                .map((r, c) -> Map.entry(r.getString(1), r.getString(2) == null ? "" : r.getString(2)))
                .forEach(en -> tags.put(en.getKey(), en.getValue()));
        return new Experiment(e.id(), e.name(), e.artifactLocation(), e.lifecycleStage(), e.creationTime(),
                e.lastUpdateTime(), tags);
    }

    private static Experiment experimentRow(java.sql.ResultSet r) throws java.sql.SQLException {
        return new Experiment(r.getString("experiment_id"), r.getString("name"), r.getString("artifact_location"),
                r.getString("lifecycle_stage"), r.getLong("creation_time"), r.getLong("last_update_time"), Map.of());
    }

    // --- runs

    public void createRun(String workspace, Run run, Map<String, String> tags) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO mlflow_runs (workspace_key, run_id, experiment_id, run_name, user_id, status, start_time,
                    end_time, lifecycle_stage, artifact_uri) VALUES (:w, :id, :e, :name, :user, :status, :start, :end,
                    :stage, :artifacts)""")
                    .bind("w", key(workspace)).bind("id", run.runId()).bind("e", run.experimentId())
                    .bind("name", run.runName()).bind("user", run.userId()).bind("status", run.status())
                    .bind("start", run.startTime()).bind("end", run.endTime()).bind("stage", run.lifecycleStage())
                    .bind("artifacts", run.artifactUri()).execute();
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                upsert(h, "mlflow_tags", "run_id", run.runId(), "tag_key", tag.getKey(), "tag_value", tag.getValue(),
                        workspace);
            }
        });
    }

    public Optional<Run> run(String workspace, String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_runs WHERE workspace_key = :w AND run_id = :id")
                .bind("w", key(workspace)).bind("id", runId).map((r, c) -> runRow(r)).findOne());
    }

    public List<Run> runs(String workspace, Collection<String> experimentIds, String stage, int offset, int limit) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_runs WHERE workspace_key = :w AND experiment_id IN (<ids>)"
                        + (stage == null ? "" : " AND lifecycle_stage = :stage")
                        + " ORDER BY start_time DESC, run_id LIMIT :limit OFFSET :offset")
                .bind("w", key(workspace)).bindList("ids", List.copyOf(experimentIds)).bind("stage", stage)
                .bind("limit", limit).bind("offset", offset).map((r, c) -> runRow(r)).list());
    }

    public boolean updateRun(String workspace, String runId, String status, Long endTime, String runName, String stage) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE mlflow_runs SET run_id = run_id"
                        + (status == null ? "" : ", status = :status") + (endTime == null ? "" : ", end_time = :end")
                        + (runName == null ? "" : ", run_name = :name") + (stage == null ? "" : ", lifecycle_stage = :stage")
                        + " WHERE workspace_key = :w AND run_id = :id")
                .bind("status", status).bind("end", endTime).bind("name", runName).bind("stage", stage)
                .bind("w", key(workspace)).bind("id", runId).execute()) > 0;
    }

    private static Run runRow(java.sql.ResultSet r) throws java.sql.SQLException {
        long end = r.getLong("end_time");
        Long endTime = r.wasNull() ? null : end;
        return new Run(r.getString("run_id"), r.getString("experiment_id"), r.getString("run_name"),
                r.getString("user_id"), r.getString("status"), r.getLong("start_time"), endTime,
                r.getString("lifecycle_stage"), r.getString("artifact_uri"));
    }

    /**
     * Metrics, params and tags of a run in one transaction, metrics as one JDBC batch. Returns the params whose
     * stored value differs from the one given (params are immutable; the caller refuses those, and nothing of this
     * batch is kept then).
     */
    public Map<String, String> logBatch(String workspace, String runId, List<Metric> metrics, Map<String, String> params,
                                        Map<String, String> tags) {
        return jdbi.inTransaction(h -> {
            Map<String, String> conflicts = new LinkedHashMap<>();
            if (!params.isEmpty()) {
                Map<String, String> existing = new LinkedHashMap<>();
                h.createQuery("SELECT param_key, param_value FROM mlflow_params WHERE workspace_key = :w AND run_id = :id "
                                + "AND param_key IN (<keys>)")
                        .bind("w", key(workspace)).bind("id", runId).bindList("keys", List.copyOf(params.keySet()))
                        .map((r, c) -> Map.entry(r.getString(1), r.getString(2)))
                        .forEach(e -> existing.put(e.getKey(), e.getValue()));
                for (Map.Entry<String, String> param : params.entrySet()) {
                    String old = existing.get(param.getKey());
                    if (old != null && !old.equals(param.getValue())) {
                        conflicts.put(param.getKey(), old);
                    }
                }
                if (!conflicts.isEmpty()) {
                    h.rollback();
                    return conflicts;
                }
                PreparedBatch batch = h.prepareBatch("INSERT INTO mlflow_params (workspace_key, run_id, param_key, "
                        + "param_value) VALUES (:w, :id, :k, :v)");
                boolean any = false;
                for (Map.Entry<String, String> param : params.entrySet()) {
                    if (!existing.containsKey(param.getKey())) {
                        batch.bind("w", key(workspace)).bind("id", runId).bind("k", param.getKey())
                                .bind("v", param.getValue()).add();
                        any = true;
                    }
                }
                if (any) {
                    batch.execute();
                }
            }
            if (!metrics.isEmpty()) {
                PreparedBatch batch = h.prepareBatch("INSERT INTO mlflow_metrics (workspace_key, run_id, metric_key, "
                        + "metric_value, is_nan, metric_time, step) VALUES (:w, :id, :k, :v, :nan, :t, :s)");
                for (Metric metric : metrics) {
                    boolean nan = Double.isNaN(metric.value());
                    batch.bind("w", key(workspace)).bind("id", runId).bind("k", metric.key())
                            .bind("v", nan ? 0.0 : metric.value()).bind("nan", nan).bind("t", metric.timestamp())
                            .bind("s", metric.step()).add();
                }
                batch.execute();
            }
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                upsert(h, "mlflow_tags", "run_id", runId, "tag_key", tag.getKey(), "tag_value", tag.getValue(), workspace);
            }
            return conflicts;
        });
    }

    public void deleteTag(String workspace, String runId, String tag) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM mlflow_tags WHERE workspace_key = :w AND run_id = :id AND tag_key = :k")
                .bind("w", key(workspace)).bind("id", runId).bind("k", tag).execute());
    }

    public List<Metric> metricHistory(String workspace, String runId, String metricKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT metric_key, metric_value, is_nan, metric_time, step FROM mlflow_metrics "
                        + "WHERE workspace_key = :w AND run_id = :id AND metric_key = :k ORDER BY step, metric_time")
                .bind("w", key(workspace)).bind("id", runId).bind("k", metricKey)
                .map((r, c) -> metricRow(r)).list());
    }

    /**
     * The runs of {@code runIds} that exist, with their latest metrics (the rule of {@link #data}) and params, by run
     * id: three queries for a batch of up to {@value #SUMMARY_BATCH} runs, where {@link #run} and {@link #data} take
     * four a run.
     */
    public Map<String, RunSummary> summaries(String workspace, Collection<String> runIds) {
        Map<String, RunSummary> found = new LinkedHashMap<>();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(runIds));
        for (int from = 0; from < ids.size(); from += SUMMARY_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + SUMMARY_BATCH));
            jdbi.useHandle(h -> {
                Map<String, Run> runs = new LinkedHashMap<>();
                h.createQuery("SELECT * FROM mlflow_runs WHERE workspace_key = :w AND run_id IN (<ids>)")
                        .bind("w", key(workspace)).bindList("ids", batch).map((r, c) -> runRow(r))
                        .forEach(run -> runs.put(run.runId(), run));
                if (runs.isEmpty()) {
                    return;
                }
                List<String> present = List.copyOf(runs.keySet());
                Map<String, Map<String, Metric>> latest = new LinkedHashMap<>();
                h.createQuery("SELECT run_id, metric_key, metric_value, is_nan, metric_time, step FROM mlflow_metrics "
                                + "WHERE workspace_key = :w AND run_id IN (<ids>) ORDER BY run_id, metric_key")
                        .bind("w", key(workspace)).bindList("ids", present)
                        .map((r, c) -> Map.entry(r.getString("run_id"), metricRow(r)))
                        .forEach(e -> latest.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                                .merge(e.getValue().key(), e.getValue(), (a, b) -> newer(a, b) ? a : b));
                Map<String, Map<String, String>> params = new LinkedHashMap<>();
                h.createQuery("SELECT run_id, param_key, param_value FROM mlflow_params WHERE workspace_key = :w "
                                + "AND run_id IN (<ids>) ORDER BY run_id, param_key")
                        .bind("w", key(workspace)).bindList("ids", present)
                        .map((r, c) -> new String[] {r.getString(1), r.getString(2), r.getString(3)})
                        .forEach(row -> params.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(row[1], row[2]));
                runs.forEach((id, run) -> found.put(id, new RunSummary(run,
                        new ArrayList<>(latest.getOrDefault(id, Map.of()).values()), params.getOrDefault(id, Map.of()))));
            });
        }
        return found;
    }

    /** The latest value of each metric (highest step, then latest time, then largest value — MLflow's rule), params and tags. */
    public RunData data(String workspace, String runId) {
        return jdbi.withHandle(h -> {
            Map<String, Metric> latest = new LinkedHashMap<>();
            h.createQuery("SELECT metric_key, metric_value, is_nan, metric_time, step FROM mlflow_metrics "
                            + "WHERE workspace_key = :w AND run_id = :id ORDER BY metric_key")
                    .bind("w", key(workspace)).bind("id", runId).map((r, c) -> metricRow(r))
                    .forEach(m -> latest.merge(m.key(), m, (a, b) -> newer(a, b) ? a : b));
            Map<String, String> params = new LinkedHashMap<>();
            h.createQuery("SELECT param_key, param_value FROM mlflow_params WHERE workspace_key = :w AND run_id = :id ORDER BY param_key")
                    .bind("w", key(workspace)).bind("id", runId).map((r, c) -> Map.entry(r.getString(1), r.getString(2)))
                    .forEach(e -> params.put(e.getKey(), e.getValue()));
            Map<String, String> tags = new LinkedHashMap<>();
            h.createQuery("SELECT tag_key, tag_value FROM mlflow_tags WHERE workspace_key = :w AND run_id = :id ORDER BY tag_key")
                    .bind("w", key(workspace)).bind("id", runId)
                    .map((r, c) -> Map.entry(r.getString(1), r.getString(2) == null ? "" : r.getString(2)))
                    .forEach(e -> tags.put(e.getKey(), e.getValue()));
            return new RunData(new ArrayList<>(latest.values()), params, tags);
        });
    }

    private static boolean newer(Metric a, Metric b) {
        if (a.step() != b.step()) {
            return a.step() > b.step();
        }
        if (a.timestamp() != b.timestamp()) {
            return a.timestamp() > b.timestamp();
        }
        return a.value() >= b.value();
    }

    private static Metric metricRow(java.sql.ResultSet r) throws java.sql.SQLException {
        return new Metric(r.getString("metric_key"), r.getBoolean("is_nan") ? Double.NaN : r.getDouble("metric_value"),
                r.getLong("metric_time"), r.getLong("step"));
    }

    private static void upsert(Handle h, String table, String ownerColumn, String owner, String keyColumn, String k,
                               String valueColumn, String value, String workspace) {
        int updated = h.createUpdate("UPDATE " + table + " SET " + valueColumn + " = :v WHERE workspace_key = :w AND "
                        + ownerColumn + " = :o AND " + keyColumn + " = :k")
                .bind("v", value).bind("w", key(workspace)).bind("o", owner).bind("k", k).execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO " + table + " (workspace_key, " + ownerColumn + ", " + keyColumn + ", "
                            + valueColumn + ") VALUES (:w, :o, :k, :v)")
                    .bind("v", value).bind("w", key(workspace)).bind("o", owner).bind("k", k).execute();
        }
    }

    // --- model registry

    public boolean createRegisteredModel(String workspace, String name, String description, long now) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO mlflow_registered_models (workspace_key, name, description, "
                            + "creation_time, last_updated_time) VALUES (:w, :n, :d, :now, :now)")
                    .bind("w", key(workspace)).bind("n", name).bind("d", description).bind("now", now).execute());
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    public Optional<RegisteredModel> registeredModel(String workspace, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_registered_models WHERE workspace_key = :w AND name = :n")
                .bind("w", key(workspace)).bind("n", name).map((r, c) -> modelRow(r)).findOne());
    }

    public List<RegisteredModel> registeredModels(String workspace, int offset, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_registered_models WHERE workspace_key = :w "
                        + "ORDER BY name LIMIT :limit OFFSET :offset")
                .bind("w", key(workspace)).bind("limit", limit).bind("offset", offset).map((r, c) -> modelRow(r)).list());
    }

    public boolean updateRegisteredModel(String workspace, String name, String description, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE mlflow_registered_models SET description = :d, "
                        + "last_updated_time = :now WHERE workspace_key = :w AND name = :n")
                .bind("d", description).bind("now", now).bind("w", key(workspace)).bind("n", name).execute()) > 0;
    }

    public boolean deleteRegisteredModel(String workspace, String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM mlflow_model_versions WHERE workspace_key = :w AND name = :n")
                    .bind("w", key(workspace)).bind("n", name).execute();
            return h.createUpdate("DELETE FROM mlflow_registered_models WHERE workspace_key = :w AND name = :n")
                    .bind("w", key(workspace)).bind("n", name).execute() > 0;
        });
    }

    /** A new version numbered one above the highest so far; empty when the model does not exist. */
    public Optional<ModelVersion> createModelVersion(String workspace, String name, String source, String runId,
                                                     String description, long now) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("UPDATE mlflow_registered_models SET last_updated_time = :now "
                            + "WHERE workspace_key = :w AND name = :n")
                    .bind("now", now).bind("w", key(workspace)).bind("n", name).execute();
            if (updated == 0) {
                return Optional.empty();
            }
            int next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM mlflow_model_versions "
                            + "WHERE workspace_key = :w AND name = :n")
                    .bind("w", key(workspace)).bind("n", name).mapTo(Integer.class).one();
            h.createUpdate("INSERT INTO mlflow_model_versions (workspace_key, name, version, description, source, run_id, "
                            + "status, current_stage, creation_time, last_updated_time) VALUES (:w, :n, :v, :d, :s, :r, "
                            + "'READY', 'None', :now, :now)")
                    .bind("w", key(workspace)).bind("n", name).bind("v", next).bind("d", description)
                    .bind("s", source).bind("r", runId).bind("now", now).execute();
            return Optional.of(new ModelVersion(name, next, description, source, runId, "READY", "None", now, now));
        });
    }

    public Optional<ModelVersion> modelVersion(String workspace, String name, int version) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_model_versions WHERE workspace_key = :w "
                        + "AND name = :n AND version = :v")
                .bind("w", key(workspace)).bind("n", name).bind("v", version).map((r, c) -> versionRow(r)).findOne());
    }

    /** Versions of one model (name given) or of all, newest first. */
    public List<ModelVersion> modelVersions(String workspace, String name, String runId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mlflow_model_versions WHERE workspace_key = :w"
                        + (name == null ? "" : " AND name = :n") + (runId == null ? "" : " AND run_id = :r")
                        + " ORDER BY name, version DESC LIMIT :limit")
                .bind("w", key(workspace)).bind("n", name).bind("r", runId).bind("limit", limit)
                .map((r, c) -> versionRow(r)).list());
    }

    public boolean updateModelVersion(String workspace, String name, int version, String description, String stage,
                                      long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE mlflow_model_versions SET last_updated_time = :now"
                        + (description == null ? "" : ", description = :d") + (stage == null ? "" : ", current_stage = :s")
                        + " WHERE workspace_key = :w AND name = :n AND version = :v")
                .bind("now", now).bind("d", description).bind("s", stage).bind("w", key(workspace)).bind("n", name)
                .bind("v", version).execute()) > 0;
    }

    public boolean deleteModelVersion(String workspace, String name, int version) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM mlflow_model_versions WHERE workspace_key = :w AND name = :n AND version = :v")
                .bind("w", key(workspace)).bind("n", name).bind("v", version).execute()) > 0;
    }

    private static RegisteredModel modelRow(java.sql.ResultSet r) throws java.sql.SQLException {
        return new RegisteredModel(r.getString("name"), r.getString("description"), r.getLong("creation_time"),
                r.getLong("last_updated_time"));
    }

    private static ModelVersion versionRow(java.sql.ResultSet r) throws java.sql.SQLException {
        return new ModelVersion(r.getString("name"), r.getInt("version"), r.getString("description"),
                r.getString("source"), r.getString("run_id"), r.getString("status"), r.getString("current_stage"),
                r.getLong("creation_time"), r.getLong("last_updated_time"));
    }

    /** A workspace key as this store keeps it (and as {@link #workspaceKeys()} gives it back). */
    public static String storedKey(String workspace) {
        return key(workspace);
    }

    /** The keys of the workspaces that have any tracking data, as stored ({@link #storedKey}). */
    public java.util.Set<String> workspaceKeys() {
        return jdbi.withHandle(h -> new java.util.HashSet<>(h.createQuery("SELECT workspace_key FROM mlflow_experiments "
                + "UNION SELECT workspace_key FROM mlflow_runs UNION SELECT workspace_key FROM mlflow_registered_models")
                .mapTo(String.class).list()));
    }

    /** Everything of a workspace goes (the workspace was deleted for good). */
    public void deleteWorkspace(String workspace) {
        jdbi.useTransaction(h -> {
            for (String table : List.of("mlflow_metrics", "mlflow_params", "mlflow_tags", "mlflow_runs",
                    "mlflow_experiment_tags", "mlflow_experiments", "mlflow_model_versions", "mlflow_registered_models")) {
                h.createUpdate("DELETE FROM " + table + " WHERE workspace_key = :w").bind("w", key(workspace)).execute();
            }
        });
    }
}
