package dev.amlite.control.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.HttpSupport;
import dev.amlite.control.assets.Assets;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.identity.TokenService;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.TrackingStore;
import dev.amlite.store.blob.BlobItem;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * Each workspace as an MLflow tracking server (CP-2), at its {@code mlflow_tracking_uri}:
 * {@code /mlflow/v1.0/<workspace ARM id>/api/2.0/mlflow/…} — experiments, runs, log-batch and the single loggers,
 * metric history, artifacts (listed, and up- and downloaded through {@code mlflow-artifacts}, stored in the
 * workspace's default datastore below {@code mlflow/}), registered models and versions. Authenticated with amlite
 * bearer tokens, or in a job with the job's own token ({@link RunTokens}; both as MLFLOW_TRACKING_TOKEN); reads need {@code workspaces/experiments/read}, writes
 * {@code workspaces/experiments/runs/write} (models: {@code workspaces/models/read|write}). Requests are at most
 * 1 MB (MLflow's limit); an artifact at most {@link #MAX_ARTIFACT} bytes.
 */
public final class MlflowApi implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowApi.class);
    private static final Pattern PATH = Pattern.compile(
            "(?:/mlflow)?/v1\\.0(/subscriptions/[^/]+/resource[gG]roups/[^/]+/providers/Microsoft\\.MachineLearningServices/workspaces/[^/]+)"
                    + "/(?:ajax-)?api/2\\.0/(mlflow|mlflow-artifacts)/(.*)", Pattern.CASE_INSENSITIVE);
    static final long MAX_BODY = 1024 * 1024;
    static final long MAX_ARTIFACT = 256L * 1024 * 1024;
    private static final String ML = "Microsoft.MachineLearningServices/workspaces";
    private final Tracking tracking;
    private final TokenService tokens;
    private final Authorizer authorizer;
    private final ResourceStore resources;
    private final Assets assets;
    private final RunTokens runTokens;

    public MlflowApi(Tracking tracking, TokenService tokens, RunTokens runTokens, Authorizer authorizer,
                     ResourceStore resources, Assets assets) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.runTokens = requireNonNull(runTokens, "runTokens is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.resources = requireNonNull(resources, "resources is null");
        this.assets = requireNonNull(assets, "assets is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    private record Call(String method, String workspace, ResourceId workspaceId, String endpoint, Caller caller,
                        ServerRequest request) {
        String query(String name) {
            return request.query().contains(name) ? request.query().get(name) : null;
        }
    }

    void handle(ServerRequest request, ServerResponse response) {
        try {
            Matcher matcher = PATH.matcher(request.path().rawPath());
            if (!matcher.matches()) {
                throw new MlflowException("ENDPOINT_NOT_FOUND", 404, "No MLflow API at '" + request.path().rawPath()
                        + "'; the tracking URI is the workspace's mlflow_tracking_uri ('amlite ml workspace show').");
            }
            ResourceId workspaceId = ResourceId.parse(URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8));
            String method = request.prologue().method().text().toUpperCase(Locale.ROOT);
            Caller caller = authenticate(request, workspaceId);
            dev.amlite.store.StoredResource workspace = resources.get(workspaceId).orElseThrow(() ->
                    MlflowException.missing("Workspace '" + workspaceId.name() + "' does not exist."));
            dev.amlite.control.workspace.NetworkGate.refuseWhileMoving(workspace);
            Call call = new Call(method, Tracking.workspaceKey(workspace), workspaceId, matcher.group(3), caller, request);
            if (matcher.group(2).equalsIgnoreCase("mlflow-artifacts")) {
                artifacts(call, response);
                return;
            }
            JsonNode answer = dispatch(call);
            send(response, 200, answer == null ? Json.object() : answer);
        } catch (MlflowException e) {
            send(response, e.status(), error(e.code(), e.getMessage()));
        } catch (ArmException e) {
            String code = switch (e.httpStatus()) {
                case 401 -> "UNAUTHENTICATED";
                case 403 -> "PERMISSION_DENIED";
                case 404 -> "RESOURCE_DOES_NOT_EXIST";
                case 409 -> "RESOURCE_CONFLICT";
                case 413 -> "INVALID_PARAMETER_VALUE";
                default -> e.httpStatus() < 500 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR";
            };
            send(response, e.httpStatus() == 413 ? 400 : e.httpStatus(), error(code, e.getMessage()));
        } catch (IllegalArgumentException e) {
            send(response, 400, error("INVALID_PARAMETER_VALUE", e.getMessage()));
        } catch (IOException e) {
            LOG.info("MLflow artifact transfer {} broke off: {}", request.path().rawPath(), e.toString());
            send(response, 500, error("INTERNAL_ERROR", "The artifact transfer broke off."));
        } catch (RuntimeException e) {
            LOG.error("MLflow request {} failed", request.path().rawPath(), e);
            send(response, 500, error("INTERNAL_ERROR", "The MLflow request failed; the server log has the details."));
        }
    }

    private static ObjectNode error(String code, String message) {
        return Json.object().put("error_code", code).put("message", message);
    }

    private static void send(ServerResponse response, int status, JsonNode body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(Json.bytes(body));
    }

    private Caller authenticate(ServerRequest request, ResourceId workspaceId) {
        String header = request.headers().first(HttpSupport.AUTHORIZATION).orElseThrow(() -> new MlflowException(
                "UNAUTHENTICATED", 401, "The Authorization header is missing: give an amlite token as "
                + "MLFLOW_TRACKING_TOKEN ('amlite account get-access-token --query accessToken -o tsv')."));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new MlflowException("UNAUTHENTICATED", 401, "The Authorization header is not 'Bearer <token>'.");
        }
        String token = header.substring(7).trim();
        return RunTokens.isRunToken(token) ? runTokens.verify(token, workspaceId) : tokens.verify(token);
    }

    private void require(Call call, String action) {
        if (!authorizer.allows(call.caller().objectId(), action, call.workspaceId())) {
            throw new MlflowException("PERMISSION_DENIED", 403, "The client '" + call.caller().objectId() + "' may not "
                    + "perform '" + action + "' on workspace '" + call.workspaceId().name() + "'.");
        }
    }

    private JsonNode body(Call call) {
        JsonNode body = HttpSupport.readJson(call.request(), MAX_BODY);
        return body == null ? Json.object() : body;
    }

    /** A request field from the JSON body (POST/PATCH/DELETE) or the query (GET). */
    private static String field(Call call, JsonNode body, String name) {
        if (body != null && body.hasNonNull(name)) {
            return body.get(name).asText();
        }
        return call.query(name);
    }

    private JsonNode dispatch(Call call) {
        String endpoint = call.endpoint().replaceAll("/+$", "");
        boolean read = call.method().equals("GET");
        boolean models = endpoint.startsWith("registered-models") || endpoint.startsWith("model-versions");
        boolean searchByPost = endpoint.endsWith("/search") || endpoint.equals("registered-models/get-latest-versions");
        require(call, models ? ML + "/models/" + (read || searchByPost ? "read" : "write")
                : ML + "/experiments/" + (read || searchByPost ? "read" : "runs/write"));
        JsonNode body = read ? null : body(call);
        String ws = call.workspace();
        return switch (endpoint) {
            case "experiments/create" -> Json.object().put("experiment_id", tracking.createExperiment(ws,
                    field(call, body, "name"), tags(body)));
            case "experiments/get" -> experimentAnswer(tracking.experiment(ws, required(call, body, "experiment_id")));
            case "experiments/get-by-name" -> experimentAnswer(tracking.experimentByName(ws,
                    required(call, body, "experiment_name")));
            case "experiments/search", "experiments/list" -> searchExperiments(call, body);
            case "experiments/update" -> {
                tracking.experiment(ws, required(call, body, "experiment_id"));
                String name = field(call, body, "new_name");
                if (name != null && !tracking.store().updateExperiment(ws, field(call, body, "experiment_id"), name,
                        null, tracking.now())) {
                    throw MlflowException.exists("Experiment '" + name + "' already exists.");
                }
                yield Json.object();
            }
            case "experiments/delete", "experiments/restore" -> {
                String id = required(call, body, "experiment_id");
                tracking.experiment(ws, id);
                if (Tracking.DEFAULT_EXPERIMENT.equals(id) && endpoint.endsWith("delete")) {
                    throw MlflowException.invalid("The Default experiment cannot be deleted.");
                }
                tracking.store().updateExperiment(ws, id, null, endpoint.endsWith("delete") ? "deleted" : "active",
                        tracking.now());
                yield Json.object();
            }
            case "experiments/set-experiment-tag" -> {
                String id = required(call, body, "experiment_id");
                tracking.experiment(ws, id);
                tracking.store().setExperimentTag(ws, id, Tracking.checkKey(required(call, body, "key"), "tag"),
                        Tracking.checkValue(field(call, body, "value"), Tracking.MAX_TAG_VALUE, "tag"));
                yield Json.object();
            }
            case "runs/create" -> {
                String user = field(call, body, "user_id");
                TrackingStore.Run run = tracking.createRun(ws, null, field(call, body, "experiment_id"),
                        field(call, body, "run_name"), user != null ? user : callerName(call),
                        body.hasNonNull("start_time") ? body.get("start_time").asLong() : null, tags(body));
                yield Json.object().set("run", runJson(ws, run));
            }
            case "runs/get" -> Json.object().set("run", runJson(ws, tracking.run(ws, required(call, body, "run_id"))));
            case "runs/update" -> {
                String id = runId(call, body);
                TrackingStore.Run run = tracking.updateRun(ws, id, field(call, body, "status"),
                        body.hasNonNull("end_time") ? body.get("end_time").asLong() : null, field(call, body, "run_name"));
                yield Json.object().set("run_info", runInfo(run));
            }
            case "runs/delete", "runs/restore" -> {
                String id = runId(call, body);
                tracking.run(ws, id);
                tracking.store().updateRun(ws, id, null, null, null, endpoint.endsWith("delete") ? "deleted" : "active");
                yield Json.object();
            }
            case "runs/search" -> searchRuns(call, body);
            case "runs/log-metric" -> {
                tracking.logBatch(ws, runId(call, body), List.of(metric(body)), Map.of(), Map.of());
                yield Json.object();
            }
            case "runs/log-parameter" -> {
                tracking.logBatch(ws, runId(call, body), List.of(), Map.of(required(call, body, "key"),
                        field(call, body, "value") == null ? "" : field(call, body, "value")), Map.of());
                yield Json.object();
            }
            case "runs/set-tag" -> {
                tracking.logBatch(ws, runId(call, body), List.of(), Map.of(), Map.of(required(call, body, "key"),
                        field(call, body, "value") == null ? "" : field(call, body, "value")));
                yield Json.object();
            }
            case "runs/delete-tag" -> {
                String id = runId(call, body);
                tracking.run(ws, id);
                tracking.store().deleteTag(ws, id, required(call, body, "key"));
                yield Json.object();
            }
            case "runs/log-batch" -> {
                List<TrackingStore.Metric> metrics = new ArrayList<>();
                for (JsonNode m : body.path("metrics")) {
                    metrics.add(metric(m));
                }
                tracking.logBatch(ws, runId(call, body), metrics, pairs(body.path("params")), pairs(body.path("tags")));
                yield Json.object();
            }
            case "runs/log-model" -> {
                String id = runId(call, body);
                TrackingStore.RunData data = tracking.store().data(ws, id);
                ArrayNode history = Json.MAPPER.createArrayNode();
                String old = data.tags().get("mlflow.log-model.history");
                if (old != null) {
                    try {
                        history = (ArrayNode) Json.parse(old);
                    } catch (RuntimeException ignored) {
                        // a malformed history starts again
                    }
                }
                history.add(Json.parse(required(call, body, "model_json")));
                tracking.logBatch(ws, id, List.of(), Map.of(), Map.of("mlflow.log-model.history", Json.write(history)));
                yield Json.object();
            }
            case "metrics/get-history" -> {
                String id = runId(call, body);
                tracking.run(ws, id);
                ArrayNode metrics = Json.MAPPER.createArrayNode();
                for (TrackingStore.Metric m : tracking.store().metricHistory(ws, id, required(call, body, "metric_key"))) {
                    metrics.add(metricJson(m));
                }
                yield Json.object().set("metrics", metrics);
            }
            case "artifacts/list" -> listArtifacts(call, body);
            default -> ModelRegistryApi.dispatch(tracking, call.method(), endpoint, ws,
                    name -> field(call, body, name), body, call.request().query().contains("stages")
                            ? call.request().query().all("stages") : List.of());
        };
    }

    private static String callerName(Call call) {
        return call.caller().signInName() != null ? call.caller().signInName() : call.caller().objectId();
    }

    private static String required(Call call, JsonNode body, String name) {
        String value = field(call, body, name);
        if (value == null || value.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter '" + name + "'.");
        }
        return value;
    }

    private static String runId(Call call, JsonNode body) {
        String id = field(call, body, "run_id");
        if (id == null || id.isEmpty()) {
            id = field(call, body, "run_uuid");
        }
        if (id == null || id.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'run_id'.");
        }
        return id;
    }

    private static TrackingStore.Metric metric(JsonNode m) {
        if (!m.hasNonNull("key")) {
            throw MlflowException.invalid("Missing value for required parameter 'key' of a metric.");
        }
        JsonNode value = m.path("value");
        double number;
        if (value.isNumber()) {
            number = value.asDouble();
        } else if (value.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(value.asText())) {
            number = Double.parseDouble(value.asText());
        } else {
            throw MlflowException.invalid("Metric '" + m.path("key").asText() + "' needs a numeric value; got '"
                    + value.asText() + "'.");
        }
        if (!m.hasNonNull("timestamp")) {
            throw MlflowException.invalid("Missing value for required parameter 'timestamp' of metric '"
                    + m.path("key").asText() + "'.");
        }
        return new TrackingStore.Metric(m.path("key").asText(), number, m.path("timestamp").asLong(),
                m.path("step").asLong(0));
    }

    private static Map<String, String> pairs(JsonNode list) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (JsonNode pair : list) {
            String key = pair.path("key").asText(null);
            if (key == null) {
                throw MlflowException.invalid("Missing value for required parameter 'key'.");
            }
            if (pairs.put(key, pair.path("value").asText("")) != null) {
                throw MlflowException.invalid("Duplicate key '" + key + "' in one batch.");
            }
        }
        return pairs;
    }

    private static Map<String, String> tags(JsonNode body) {
        return body == null ? Map.of() : pairs(body.path("tags"));
    }

    private static ObjectNode experimentAnswer(TrackingStore.Experiment e) {
        return Json.object().set("experiment", experimentJson(e));
    }

    static ObjectNode experimentJson(TrackingStore.Experiment e) {
        ObjectNode node = Json.object();
        node.put("experiment_id", e.id()).put("name", e.name()).put("artifact_location", e.artifactLocation())
                .put("lifecycle_stage", e.lifecycleStage()).put("creation_time", e.creationTime())
                .put("last_update_time", e.lastUpdateTime());
        ArrayNode tags = node.putArray("tags");
        e.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        return node;
    }

    private JsonNode searchExperiments(Call call, JsonNode body) {
        int max = limit(call, body, 1000, 50_000);
        int offset = offset(call, body);
        String view = field(call, body, "view_type");
        String stage = view == null || view.equals("ACTIVE_ONLY") ? "active" : view.equals("DELETED_ONLY") ? "deleted" : null;
        tracking.defaultExperiment(call.workspace());
        String filter = field(call, body, "filter");
        List<TrackingStore.Experiment> found = tracking.store().experiments(call.workspace(), stage, offset, max + 1);
        if (filter != null && !filter.isBlank()) {
            Matcher byName = Pattern.compile("(?i)\\s*(?:attribute\\.)?name\\s*(=|LIKE|ILIKE)\\s*'([^']*)'\\s*").matcher(filter);
            if (!byName.matches()) {
                throw MlflowException.invalid("Unsupported filter '" + filter + "'; amlite filters experiments by "
                        + "name (name = 'x', name LIKE 'x%').");
            }
            String value = byName.group(2);
            boolean like = !byName.group(1).equals("=");
            Pattern pattern = like ? Pattern.compile(value.replace(".", "\\.").replace("%", ".*").replace("_", "."),
                    byName.group(1).equalsIgnoreCase("ILIKE") ? Pattern.CASE_INSENSITIVE : 0) : null;
            found = found.stream().filter(e -> like ? pattern.matcher(e.name()).matches() : e.name().equals(value)).toList();
        }
        ObjectNode answer = Json.object();
        ArrayNode list = answer.putArray("experiments");
        found.stream().limit(max).forEach(e -> list.add(experimentJson(e)));
        if (found.size() > max) {
            answer.put("next_page_token", Integer.toString(offset + max));
        }
        return answer;
    }

    private static int limit(Call call, JsonNode body, int otherwise, int most) {
        String given = field(call, body, "max_results");
        if (given == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(given);
            if (value < 1 || value > most) {
                throw MlflowException.invalid("max_results must be between 1 and " + most + "; got " + value + ".");
            }
            return value;
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("max_results must be a number; got '" + given + "'.");
        }
    }

    private static int offset(Call call, JsonNode body) {
        String token = field(call, body, "page_token");
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(token));
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("Invalid page token '" + token + "'.");
        }
    }

    private JsonNode searchRuns(Call call, JsonNode body) {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : body == null ? Json.MAPPER.createArrayNode() : body.path("experiment_ids")) {
            ids.add(id.asText());
        }
        if (ids.isEmpty() && call.query("experiment_ids") != null) {
            ids.add(call.query("experiment_ids"));
        }
        int max = limit(call, body, 1000, 50_000);
        int offset = offset(call, body);
        String view = field(call, body, "run_view_type");
        String stage = view == null || view.equals("ACTIVE_ONLY") ? "active" : view.equals("DELETED_ONLY") ? "deleted" : null;
        String filter = field(call, body, "filter");
        List<TrackingStore.Run> runs = tracking.store().runs(call.workspace(), ids, stage, offset, max + 1);
        if (filter != null && !filter.isBlank()) {
            Matcher tag = Pattern.compile("(?i)\\s*(tags|params|attributes?)\\.[`\"]?([\\w.\\-]+)[`\"]?\\s*=\\s*'([^']*)'\\s*")
                    .matcher(filter);
            if (!tag.matches()) {
                throw MlflowException.invalid("Unsupported filter '" + filter + "'; amlite filters runs by one "
                        + "tags.<key> = 'v', params.<key> = 'v' or attributes.status|run_name = 'v'.");
            }
            String kind = tag.group(1).toLowerCase(Locale.ROOT);
            String k = tag.group(2);
            String v = tag.group(3);
            runs = runs.stream().filter(r -> {
                if (kind.startsWith("attribute")) {
                    return switch (k) {
                        case "status" -> v.equals(r.status());
                        case "run_name" -> v.equals(r.runName());
                        case "run_id" -> v.equals(r.runId());
                        default -> false;
                    };
                }
                TrackingStore.RunData data = tracking.store().data(call.workspace(), r.runId());
                return v.equals((kind.equals("tags") ? data.tags() : data.params()).get(k));
            }).toList();
        }
        ObjectNode answer = Json.object();
        ArrayNode list = answer.putArray("runs");
        runs.stream().limit(max).forEach(r -> list.add(runJson(call.workspace(), r)));
        if (runs.size() > max) {
            answer.put("next_page_token", Integer.toString(offset + max));
        }
        return answer;
    }

    static ObjectNode runInfo(TrackingStore.Run run) {
        ObjectNode info = Json.object();
        info.put("run_id", run.runId()).put("run_uuid", run.runId()).put("experiment_id", run.experimentId())
                .put("run_name", run.runName()).put("user_id", run.userId() == null ? "" : run.userId())
                .put("status", run.status()).put("start_time", run.startTime())
                .put("artifact_uri", run.artifactUri()).put("lifecycle_stage", run.lifecycleStage());
        if (run.endTime() != null) {
            info.put("end_time", run.endTime());
        }
        return info;
    }

    ObjectNode runJson(String workspace, TrackingStore.Run run) {
        ObjectNode node = Json.object();
        node.set("info", runInfo(run));
        TrackingStore.RunData data = tracking.store().data(workspace, run.runId());
        ObjectNode shown = node.putObject("data");
        ArrayNode metrics = shown.putArray("metrics");
        data.latestMetrics().forEach(m -> metrics.add(metricJson(m)));
        ArrayNode params = shown.putArray("params");
        data.params().forEach((k, v) -> params.addObject().put("key", k).put("value", v));
        ArrayNode tags = shown.putArray("tags");
        data.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        node.putObject("inputs");
        return node;
    }

    static ObjectNode metricJson(TrackingStore.Metric m) {
        ObjectNode node = Json.object().put("key", m.key());
        if (Double.isNaN(m.value()) || Double.isInfinite(m.value())) {
            node.put("value", Double.toString(m.value()));
        } else {
            node.put("value", m.value());
        }
        return node.put("timestamp", m.timestamp()).put("step", m.step());
    }

    // --- artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts/<path> ↔ default datastore mlflow/<same path>

    /** Where a run's artifacts are stored, relative to the default datastore. */
    public static String storedPrefix(TrackingStore.Run run) {
        return "mlflow/" + run.artifactUri().substring("mlflow-artifacts:/".length());
    }

    private JsonNode listArtifacts(Call call, JsonNode body) {
        TrackingStore.Run run = tracking.run(call.workspace(), runId(call, body));
        String path = clean(field(call, body, "path"));
        String prefix = storedPrefix(run) + (path.isEmpty() ? "" : "/" + path);
        ObjectNode answer = Json.object().put("root_uri", run.artifactUri());
        answer.set("files", listing(call.workspaceId(), prefix, path));
        return answer;
    }

    private ArrayNode listing(ResourceId workspace, String prefix, String shownBase) {
        ArrayNode files = Json.MAPPER.createArrayNode();
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        List<BlobItem> items;
        try {
            items = assets.listFiles(workspace, prefix);
        } catch (ArmException e) {
            return files;
        }
        for (BlobItem item : items) {
            int slash = item.name().indexOf('/');
            String base = shownBase.isEmpty() ? "" : shownBase + "/";
            if (slash >= 0) {
                dirs.add(base + item.name().substring(0, slash));
            } else {
                files.addObject().put("path", base + item.name()).put("is_dir", false).put("file_size", item.size());
            }
        }
        dirs.forEach(d -> files.addObject().put("path", d).put("is_dir", true));
        return files;
    }

    private static String clean(String path) {
        if (path == null) {
            return "";
        }
        String trimmed = path.replaceAll("^/+|/+$", "");
        for (String part : trimmed.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw MlflowException.invalid("Invalid artifact path '" + path + "'.");
            }
        }
        return trimmed;
    }

    private void artifacts(Call call, ServerResponse response) throws IOException {
        String rest = call.endpoint();
        if (!rest.startsWith("artifacts")) {
            throw new MlflowException("ENDPOINT_NOT_FOUND", 404, "No MLflow artifacts API '" + rest + "'.");
        }
        String path = clean(URLDecoder.decode(rest.substring("artifacts".length()), StandardCharsets.UTF_8));
        boolean write = call.method().equals("PUT");
        require(call, ML + "/experiments/" + (write ? "runs/write" : "read"));
        if (call.method().equals("GET") && path.isEmpty()) {
            String listed = clean(call.query("path"));
            send(response, 200, Json.object().set("files", listing(call.workspaceId(), "mlflow/" + listed, listed)));
            return;
        }
        if (path.isEmpty()) {
            throw MlflowException.invalid("An artifact path is required.");
        }
        String stored = "mlflow/" + path;
        Path temporary = Files.createTempFile("amlite-artifact", ".tmp");
        try {
            if (write) {
                HttpSupport.checkContentLength(call.request(), MAX_ARTIFACT);
                try (InputStream in = call.request().content().inputStream();
                     OutputStream out = Files.newOutputStream(temporary)) {
                    byte[] buffer = new byte[64 * 1024];
                    long total = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                        if (total > MAX_ARTIFACT) {
                            throw MlflowException.invalid("An artifact is limited to " + MAX_ARTIFACT + " bytes.");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                assets.uploadFile(call.workspaceId(), stored, temporary);
                send(response, 200, Json.object());
                return;
            }
            if (!call.method().equals("GET")) {
                throw new MlflowException("ENDPOINT_NOT_FOUND", 404, "Artifacts take GET and PUT.");
            }
            if (!assets.downloadFile(call.workspaceId(), stored, temporary)) {
                throw MlflowException.missing("No artifact at '" + path + "'.");
            }
            response.status(Status.OK_200);
            response.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            try (InputStream in = Files.newInputStream(temporary); OutputStream out = response.outputStream()) {
                in.transferTo(out);
            }
        } catch (UncheckedIOException e) {
            throw new MlflowException("INTERNAL_ERROR", 500, "The artifact store failed: " + e.getCause().getMessage());
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
