package dev.amlite.control.tracking;

import dev.amlite.store.TrackingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * MLflow tracking of a workspace with MLflow's rules (CP-2): experiment names unique, params immutable, a batch at
 * most 1,000 metrics, 100 params and 100 tags (1,000 in all), keys at most 250 characters, runs of a deleted
 * experiment refused. Used by the MLflow REST API and by jobs (a job's run is the MLflow run of the same id).
 */
public final class Tracking {
    public static final int MAX_METRICS = 1000;
    public static final int MAX_PARAMS = 100;
    public static final int MAX_TAGS = 100;
    public static final int MAX_ENTITIES = 1000;
    static final int MAX_KEY = 250;
    static final int MAX_PARAM_VALUE = 6000;
    static final int MAX_TAG_VALUE = 8000;
    public static final String DEFAULT_EXPERIMENT = "0";
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[\\w./\\- :]+");
    private final TrackingStore store;
    private final Clock clock;

    public Tracking(TrackingStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public TrackingStore store() {
        return store;
    }

    /**
     * The key a workspace's tracking data is stored under: its workspaceId (a GUID fixed at creation), not its ARM
     * id — a workspace made again under an old name starts empty, and one that moves keeps its runs.
     */
    public static String workspaceKey(dev.amlite.store.StoredResource workspace) {
        String guid = workspace.document().path("properties").path("workspaceId").asText("");
        return guid.isEmpty() ? workspace.id().key() : guid;
    }

    /** The key of a workspace given by id (read from the store); its ARM id key when it is gone. */
    public static String workspaceKey(dev.amlite.store.ResourceStore resources, dev.amlite.core.ResourceId workspace) {
        return resources.get(workspace).map(Tracking::workspaceKey).orElse(workspace.key());
    }

    long now() {
        return clock.millis();
    }

    static String artifactRoot(String experimentId) {
        return "mlflow-artifacts:/" + experimentId;
    }

    /** The "Default" experiment every workspace has, made on first use. */
    TrackingStore.Experiment defaultExperiment(String workspace) {
        return store.experiment(workspace, DEFAULT_EXPERIMENT).orElseGet(() -> {
            store.createExperiment(workspace, DEFAULT_EXPERIMENT, "Default", artifactRoot(DEFAULT_EXPERIMENT), now());
            return store.experiment(workspace, DEFAULT_EXPERIMENT).orElseThrow();
        });
    }

    public String createExperiment(String workspace, String name, Map<String, String> tags) {
        if (name == null || name.isBlank()) {
            throw MlflowException.invalid("Missing value for required parameter 'name'.");
        }
        if (name.length() > 500) {
            throw MlflowException.invalid("Experiment name is limited to 500 characters.");
        }
        defaultExperiment(workspace);
        if (store.experimentByName(workspace, name).isPresent()) {
            throw MlflowException.exists("Experiment '" + name + "' already exists.");
        }
        String id = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L) + 1);
        if (!store.createExperiment(workspace, id, name, artifactRoot(id), now())) {
            throw MlflowException.exists("Experiment '" + name + "' already exists.");
        }
        tags.forEach((k, v) -> store.setExperimentTag(workspace, id, checkKey(k, "tag"), checkValue(v, MAX_TAG_VALUE, "tag")));
        return id;
    }

    /** The experiment of that name, made when missing (what jobs do with experiment_name). */
    public TrackingStore.Experiment experimentNamed(String workspace, String name) {
        defaultExperiment(workspace);
        return store.experimentByName(workspace, name).orElseGet(() -> {
            try {
                return experiment(workspace, createExperiment(workspace, name, Map.of()));
            } catch (MlflowException e) {
                return store.experimentByName(workspace, name).orElseThrow(() -> e);
            }
        });
    }

    public TrackingStore.Experiment experiment(String workspace, String id) {
        if (DEFAULT_EXPERIMENT.equals(id)) {
            return defaultExperiment(workspace);
        }
        return store.experiment(workspace, id).orElseThrow(() -> MlflowException.missing("No experiment with id '"
                + id + "' exists in this workspace."));
    }

    public TrackingStore.Experiment experimentByName(String workspace, String name) {
        if ("Default".equalsIgnoreCase(name)) {
            defaultExperiment(workspace);
        }
        return store.experimentByName(workspace, name).orElseThrow(() -> MlflowException.missing("Could not find "
                + "experiment with name '" + name + "'."));
    }

    public TrackingStore.Run createRun(String workspace, String runId, String experimentId, String runName, String user,
                                       Long startTime, Map<String, String> tags) {
        TrackingStore.Experiment experiment = experiment(workspace, experimentId == null ? DEFAULT_EXPERIMENT : experimentId);
        if (!"active".equals(experiment.lifecycleStage())) {
            throw MlflowException.invalid("The experiment '" + experiment.name() + "' is deleted; runs cannot be "
                    + "created in it. Restore it first.");
        }
        String id = runId != null ? runId : UUID.randomUUID().toString().replace("-", "");
        Map<String, String> all = new LinkedHashMap<>();
        tags.forEach((k, v) -> all.put(checkKey(k, "tag"), checkValue(v, MAX_TAG_VALUE, "tag")));
        String name = runName != null ? runName : all.getOrDefault("mlflow.runName", id);
        all.put("mlflow.runName", name);
        if (user != null) {
            all.putIfAbsent("mlflow.user", user);
        }
        TrackingStore.Run run = new TrackingStore.Run(id, experiment.id(), name, user, "RUNNING",
                startTime != null ? startTime : now(), null, "active",
                experiment.artifactLocation() + "/" + id + "/artifacts");
        store.createRun(workspace, run, all);
        return run;
    }

    public TrackingStore.Run run(String workspace, String runId) {
        if (runId == null || runId.isBlank()) {
            throw MlflowException.invalid("Missing value for required parameter 'run_id'.");
        }
        return store.run(workspace, runId).orElseThrow(() -> MlflowException.missing("Run '" + runId
                + "' not found."));
    }

    private TrackingStore.Run activeRun(String workspace, String runId) {
        TrackingStore.Run run = run(workspace, runId);
        if (!"active".equals(run.lifecycleStage())) {
            throw MlflowException.invalid("The run " + runId + " must be in the 'active' state. Current state is "
                    + run.lifecycleStage() + ".");
        }
        return run;
    }

    public void logBatch(String workspace, String runId, List<TrackingStore.Metric> metrics, Map<String, String> params,
                         Map<String, String> tags) {
        if (metrics.size() > MAX_METRICS) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_METRICS
                    + " metrics. Got " + metrics.size() + " metrics.");
        }
        if (params.size() > MAX_PARAMS) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_PARAMS
                    + " params. Got " + params.size() + " params.");
        }
        if (tags.size() > MAX_TAGS) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_TAGS
                    + " tags. Got " + tags.size() + " tags.");
        }
        if (metrics.size() + params.size() + tags.size() > MAX_ENTITIES) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_ENTITIES
                    + " metrics, params and tags in total.");
        }
        activeRun(workspace, runId);
        List<TrackingStore.Metric> checked = new ArrayList<>(metrics.size());
        for (TrackingStore.Metric metric : metrics) {
            checked.add(new TrackingStore.Metric(checkKey(metric.key(), "metric"), metric.value(), metric.timestamp(),
                    metric.step()));
        }
        Map<String, String> checkedParams = new LinkedHashMap<>();
        params.forEach((k, v) -> checkedParams.put(checkKey(k, "param"), checkValue(v, MAX_PARAM_VALUE, "param")));
        Map<String, String> checkedTags = new LinkedHashMap<>();
        tags.forEach((k, v) -> checkedTags.put(checkKey(k, "tag"), checkValue(v, MAX_TAG_VALUE, "tag")));
        Map<String, String> conflicts = store.logBatch(workspace, runId, checked, checkedParams, checkedTags);
        if (!conflicts.isEmpty()) {
            Map.Entry<String, String> first = conflicts.entrySet().iterator().next();
            throw MlflowException.invalid("Changing param values is not allowed. Param with key='" + first.getKey()
                    + "' was already logged with value='" + first.getValue() + "' for run ID='" + runId
                    + "'. Attempted logging new value '" + checkedParams.get(first.getKey()) + "'.");
        }
    }

    public TrackingStore.Run updateRun(String workspace, String runId, String status, Long endTime, String runName) {
        run(workspace, runId);
        if (status != null && !List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED").contains(status)) {
            throw MlflowException.invalid("Invalid run status '" + status + "'; one of RUNNING, SCHEDULED, FINISHED, "
                    + "FAILED, KILLED.");
        }
        store.updateRun(workspace, runId, status, endTime, runName, null);
        if (runName != null) {
            store.logBatch(workspace, runId, List.of(), Map.of(), Map.of("mlflow.runName", runName));
        }
        return run(workspace, runId);
    }

    /** Ends a run a job owned: FINISHED, FAILED or KILLED, when it is still running. */
    public void endRun(String workspace, String runId, String status) {
        store.run(workspace, runId).filter(r -> "RUNNING".equals(r.status()) || "SCHEDULED".equals(r.status()))
                .ifPresent(r -> store.updateRun(workspace, runId, status, now(), null, null));
    }

    static String checkKey(String key, String what) {
        if (key == null || key.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'key' of a " + what + ".");
        }
        if (key.length() > MAX_KEY) {
            throw MlflowException.invalid("The " + what + " key '" + key.substring(0, 40) + "…' is "
                    + key.length() + " characters; at most " + MAX_KEY + " are allowed.");
        }
        if (key.contains("..") || key.startsWith("/") || !KEY.matcher(key).matches()) {
            throw MlflowException.invalid("Invalid " + what + " name: '" + key + "'. Names may only contain "
                    + "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
        }
        return key;
    }

    static String checkValue(String value, int max, String what) {
        if (value != null && value.length() > max) {
            throw MlflowException.invalid("The " + what + " value is " + value.length() + " characters; at most "
                    + max + " are allowed.");
        }
        return value == null ? "" : value;
    }

    public Optional<TrackingStore.Run> findRun(String workspace, String runId) {
        return store.run(workspace, runId);
    }
}
