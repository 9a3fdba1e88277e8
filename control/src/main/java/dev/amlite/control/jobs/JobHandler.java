package dev.amlite.control.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ListView;
import dev.amlite.control.assets.AssetReference;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.control.tracking.Tracking;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import dev.amlite.store.TrackingStore;
import java.time.Duration;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code workspaces/jobs} (CP-2): a PUT submits a command job after checking everything it names (compute,
 * environment, code, data inputs) and the command's references; a job's display name, description, tags and archive
 * state change afterwards, nothing else. Reads add the MLflow run's latest metrics and params. Actions: {@code cancel} (202, as
 * in Azure) and amlite's {@code readLogs} (the log from an offset, for {@code --stream}) and
 * {@code getOutputReferences} (signed URLs of outputs and log, for {@code download}). Jobs are not deleted (Azure
 * archives them); they go with their workspace.
 */
final class JobHandler implements TrackedTypeHandler {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");
    private static final int LOG_CHUNK = 256 * 1024;
    private final TrackedResources tracked;
    private final Jobs jobs;

    JobHandler(TrackedResources tracked, Jobs jobs) {
        this.tracked = tracked;
        this.jobs = jobs;
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return Jobs.TYPE;
    }

    @Override
    public ObjectNode present(StoredResource row) {
        String workspace = Tracking.workspaceKey(tracked.store(), row.id().parent());
        String run = row.id().name();
        return present(row, jobs.tracking().store().summaries(workspace, List.of(run)).get(run));
    }

    /**
     * Every job of the workspace, newest first (as Azure lists them, and so that a client wanting the latest few
     * stops after the first page), each with its run's metrics and params, read for all of them at once. The store
     * sorts (jobs made in one instant by id) and, with {@code $top} (the CLI's {@code --max-results}), cuts: only
     * those are read and made. Archived jobs are left out unless {@code listViewType} asks for them, as in Azure.
     */
    @Override
    public ArmResponse list(ArmRequest request) {
        ListView view = ListView.of(request);
        List<StoredResource> rows = tracked.listNewest(request.resource(), type(),
                request.top().orElse(Integer.MAX_VALUE), view::shows);
        String workspace = Tracking.workspaceKey(tracked.store(), request.resource());
        Map<String, TrackingStore.RunSummary> runs = jobs.tracking().store().summaries(workspace,
                rows.stream().map(row -> row.id().name()).toList());
        return ArmResponse.list(rows.stream().map(row -> present(row, runs.get(row.id().name()))).toList());
    }

    /** The job's document with, when the job has an MLflow run, the run's status, latest metrics and params. */
    private static ObjectNode present(StoredResource row, TrackingStore.RunSummary run) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        ObjectNode properties = document.with("properties");
        properties.put("isArchived", properties.path("isArchived").asBoolean(false));
        if (run != null) {
            ObjectNode mlflow = properties.putObject("mlflow");
            mlflow.put("runId", run.run().runId()).put("experimentId", run.run().experimentId())
                    .put("status", run.run().status());
            ObjectNode metrics = mlflow.putObject("metrics");
            run.latestMetrics().forEach(m -> metrics.put(m.key(), m.value()));
            ObjectNode params = mlflow.putObject("params");
            run.params().forEach(params::put);
        }
        return document;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        if (!NAME.matcher(id.name()).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, "The job name '" + id.name() + "' is not valid: 1 "
                    + "to 255 letters, digits, '-' and '_', starting with a letter or digit.");
        }
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        ObjectNode given = body.path("properties").isObject() ? (ObjectNode) body.get("properties").deepCopy()
                : Json.object();
        if (placement.current().isPresent()) {
            StoredResource current = placement.current().get();
            if (given.hasNonNull("command")) {
                // A submission again (not a change of name, description or tags): the same job is fine, as a retried
                // submit is; another one under a taken name would be answered with the old job and never run.
                requireSameJob(current, given);
            }
            ObjectNode document = current.documentCopy();
            ObjectNode properties = document.with("properties");
            for (String field : new String[] {"displayName", "description"}) {
                if (given.has(field)) {
                    properties.set(field, given.get(field));
                }
            }
            if (given.has("tags")) {
                properties.set("tags", given.get("tags"));
            }
            if (given.has("isArchived")) {
                properties.put("isArchived", archived(given));
            }
            if (body.has("tags")) {
                document.set("tags", Documents.tags(body.get("tags")));
            }
            return ArmResponse.ok(present(tracked.update(request.caller(), current, document)));
        }
        ResourceId workspace = id.parent();
        JobSpec spec = JobSpec.parse(workspace, given);
        StoredResource compute = tracked.store().get(spec.computeId()).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidResourceReference, "Compute '" + spec.computeId().name() + "' does not exist in "
                + "workspace '" + workspace.name() + "'. 'amlite ml compute list' shows the computes; 'amlite ml "
                + "compute create' makes one."));
        AssetReference.requireExists(tracked.store(), spec.environmentId(), "Environment");
        AssetReference.requireExists(tracked.store(), spec.codeId(), "Code");
        for (JobSpec.Input input : spec.inputs().values()) {
            if (!input.literal() && input.uri().startsWith("/subscriptions/")) {
                AssetReference.requireExists(tracked.store(), input.uri(), "Data");
            } else if (!input.literal() && !jobs.assets().exists(workspace, input.uri())) {
                throw new ArmException(ErrorCode.InvalidParameter, "No files are at '" + input.uri() + "'; upload "
                        + "them first ('amlite ml data create' or a datastore upload), or check the path.");
            }
        }
        given.put("isArchived", given.has("isArchived") && archived(given));
        given.put("jobType", "Command");
        given.put("computeId", compute.id().id());
        given.put("environmentId", spec.environmentId());
        if (spec.codeId() != null) {
            given.put("codeId", spec.codeId());
        }
        given.put("experimentName", spec.experimentName());
        given.put("displayName", spec.displayName() != null ? spec.displayName() : id.name());
        given.put("status", JobStatus.NOT_STARTED);
        given.remove("error");
        given.remove("waitingFor");
        given.remove("exitCode");
        given.putObject("amliteTimes").put(JobStatus.NOT_STARTED, jobs.clock().instant().toString());
        String base = request.baseUrl() + "/mlflow/v1.0" + workspace.id();
        ObjectNode services = given.putObject("services");
        services.putObject("Tracking").put("jobServiceType", "Tracking").put("endpoint", base);
        ObjectNode outputs = given.with("outputs");
        for (String name : spec.outputs().keySet()) {
            ObjectNode output = outputs.with(name);
            output.put("jobOutputType", spec.outputs().get(name).type());
            output.put("mode", spec.outputs().get(name).mode());
        }
        ObjectNode document = Json.object();
        document.set("properties", given);
        // Submitted by another request at the same moment (a client's retry racing its first try), the insert fails
        // with alreadyMade and the front door applies this request again: the same job is then that one, which runs
        // once, and another one is refused as a later submission is.
        StoredResource saved = tracked.write(request.caller(), placement, document);
        String creator = request.caller().signInName() != null ? request.caller().signInName()
                : request.caller().objectId();
        Tracking tracking = jobs.tracking();
        String trackingKey = Tracking.workspaceKey(placement.parent());
        TrackingStore.Experiment experiment = tracking.experimentNamed(trackingKey, spec.experimentName());
        tracking.createRun(trackingKey, id.name(), experiment.id(), given.path("displayName").asText(), creator,
                jobs.clock().millis(), Map.of("mlflow.source.type", "JOB", "azureml.jobName", id.name()));
        tracking.store().updateRun(trackingKey, id.name(), "SCHEDULED", null, null, null);
        jobs.submitted(id);
        return ArmResponse.created(present(saved));
    }

    private static boolean archived(JsonNode given) {
        if (!given.get("isArchived").isBoolean()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.isArchived must be true or false; "
                    + given.get("isArchived") + " was given.");
        }
        return given.get("isArchived").booleanValue();
    }

    /** Refuses a submission under the name of {@code current} that is not the same job. */
    private static void requireSameJob(StoredResource current, ObjectNode given) {
        ResourceId workspace = current.id().parent();
        List<String> changed = JobSpec.parse(workspace, current.document().path("properties"))
                .unchangeable(JobSpec.parse(workspace, given));
        if (!changed.isEmpty()) {
            throw new ArmException(ErrorCode.Conflict, "A job named '" + current.id().name() + "' exists already ("
                    + current.document().path("properties").path("status").asText() + "), and this one differs in "
                    + String.join(", ", changed) + ". A submitted job's " + String.join(", ", changed) + " cannot "
                    + "change: only its display name, description and tags can. Submit it under another name (leave "
                    + "out --name for a new one each time).");
        }
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        throw new ArmException(ErrorCode.MethodNotAllowed, "Jobs are not deleted (as in Azure, they are kept with "
                + "their logs and metrics); they go with their workspace. Hide one from lists with 'amlite ml job "
                + "archive'; cancel a running one with 'amlite ml job cancel'.");
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ResourceId id = request.resource();
        StoredResource job = tracked.existing(id);
        String status = job.document().path("properties").path("status").asText();
        switch (action.toLowerCase(Locale.ROOT)) {
            case "cancel" -> {
                if (JobStatus.terminal(status)) {
                    throw new ArmException(ErrorCode.Conflict, "Job '" + id.name() + "' has ended (" + status
                            + "); there is nothing to cancel.");
                }
                jobs.cancel(id);
                return ArmResponse.status(202);
            }
            case "readlogs" -> {
                JsonNode body = request.body();
                long offset = body == null ? 0 : body.path("offset").asLong(0);
                if (offset < 0) {
                    throw new ArmException(ErrorCode.InvalidParameter, "offset must be 0 or more.");
                }
                Jobs.LogChunk chunk = jobs.readLog(id, offset, LOG_CHUNK);
                ObjectNode answer = Json.object();
                answer.put("content", chunk.content()).put("nextOffset", chunk.nextOffset()).put("status", status);
                return ArmResponse.ok(answer);
            }
            case "getoutputreferences" -> {
                ObjectNode answer = Json.object();
                ObjectNode outputs = answer.putObject("outputs");
                job.document().path("properties").path("outputs").fields().forEachRemaining(e -> {
                    String uri = e.getValue().path("uri").asText(null);
                    if (uri != null && jobs.assets().exists(id.parent(), uri)) {
                        outputs.putObject(e.getKey()).put("uri", uri).put("sasUri",
                                jobs.assets().signedReadUrl(id.parent(), uri, Duration.ofHours(1),
                                        request.baseUrl()));
                    }
                });
                offerStored(answer, "logs", id, "ExperimentRun/dcid." + id.name() + "/user_logs/", request);
                // What the job logged to its MLflow run (mlflow.log_artifact, log_model, ...), as az ml downloads it.
                jobs.runArtifactsPath(id).ifPresent(path -> offerStored(answer, "artifacts", id, path, request));
                return ArmResponse.ok(answer);
            }
            default -> throw new ArmException(ErrorCode.NotFound, "The action '" + action + "' is not defined on "
                    + "jobs; they offer cancel, readLogs and getOutputReferences.");
        }
    }

    /** Adds a signed URL of {@code path} in the workspace's default datastore, when files are there. */
    private void offerStored(ObjectNode answer, String member, ResourceId job, String path, ArmRequest request) {
        try {
            String uri = jobs.assets().defaultDatastoreUri(job.parent(), path);
            if (jobs.assets().exists(job.parent(), uri)) {
                answer.putObject(member).put("uri", uri).put("sasUri", jobs.assets().signedReadUrl(job.parent(), uri,
                        Duration.ofHours(1), request.baseUrl()));
            }
        } catch (ArmException e) {
            // no default datastore: nothing stored to offer
        }
    }
}
