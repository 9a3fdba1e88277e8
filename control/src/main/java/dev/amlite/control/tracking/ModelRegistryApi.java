package dev.amlite.control.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.store.TrackingStore;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MLflow's model registry endpoints ({@code registered-models/*}, {@code model-versions/*}) of one workspace. */
final class ModelRegistryApi {
    private static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");

    private ModelRegistryApi() {
    }

    static JsonNode dispatch(Tracking tracking, String method, String endpoint, String ws, Function<String, String> field,
                             JsonNode body, List<String> queryStages) {
        TrackingStore store = tracking.store();
        return switch (endpoint) {
            case "registered-models/create" -> {
                String name = required(field, "name");
                if (!store.createRegisteredModel(ws, name, field.apply("description"), tracking.now())) {
                    throw MlflowException.exists("Registered Model (name=" + name + ") already exists.");
                }
                yield Json.object().set("registered_model", model(store, ws, model(store, ws, name)));
            }
            case "registered-models/get" -> Json.object().set("registered_model",
                    model(store, ws, model(store, ws, required(field, "name"))));
            case "registered-models/search", "registered-models/list" -> {
                ArrayNode list = Json.MAPPER.createArrayNode();
                String filter = field.apply("filter");
                String wanted = null;
                if (filter != null && !filter.isBlank()) {
                    Matcher m = Pattern.compile("(?i)\\s*name\\s*=\\s*'([^']*)'\\s*").matcher(filter);
                    if (!m.matches()) {
                        throw MlflowException.invalid("Unsupported filter '" + filter + "'; use name = 'x'.");
                    }
                    wanted = m.group(1);
                }
                for (TrackingStore.RegisteredModel model : store.registeredModels(ws, 0, 1000)) {
                    if (wanted == null || wanted.equals(model.name())) {
                        list.add(model(store, ws, model));
                    }
                }
                yield Json.object().set("registered_models", list);
            }
            case "registered-models/update" -> {
                String name = required(field, "name");
                model(store, ws, name);
                store.updateRegisteredModel(ws, name, field.apply("description"), tracking.now());
                yield Json.object().set("registered_model", model(store, ws, model(store, ws, name)));
            }
            case "registered-models/delete" -> {
                String name = required(field, "name");
                if (!store.deleteRegisteredModel(ws, name)) {
                    throw MlflowException.missing("Registered Model with name=" + name + " not found.");
                }
                yield Json.object();
            }
            case "registered-models/get-latest-versions" -> {
                String name = required(field, "name");
                model(store, ws, name);
                List<String> stages = new java.util.ArrayList<>(queryStages);
                if (body != null) {
                    body.path("stages").forEach(s -> stages.add(s.asText()));
                }
                yield Json.object().set("model_versions", latest(store, ws, name, stages));
            }
            case "model-versions/create" -> {
                String name = required(field, "name");
                String source = required(field, "source");
                TrackingStore.ModelVersion version = store.createModelVersion(ws, name, source, field.apply("run_id"),
                        field.apply("description"), tracking.now()).orElseThrow(() -> MlflowException.missing(
                        "Registered Model with name=" + name + " not found."));
                yield Json.object().set("model_version", version(version));
            }
            case "model-versions/get" -> Json.object().set("model_version",
                    version(version(store, ws, required(field, "name"), required(field, "version"))));
            case "model-versions/search" -> {
                String filter = field.apply("filter");
                String name = null;
                String runId = null;
                if (filter != null && !filter.isBlank()) {
                    Matcher m = Pattern.compile("(?i)\\s*(name|run_id)\\s*=\\s*'([^']*)'\\s*").matcher(filter);
                    if (!m.matches()) {
                        throw MlflowException.invalid("Unsupported filter '" + filter + "'; use name = 'x' or run_id = 'y'.");
                    }
                    if (m.group(1).equalsIgnoreCase("name")) {
                        name = m.group(2);
                    } else {
                        runId = m.group(2);
                    }
                }
                ArrayNode list = Json.MAPPER.createArrayNode();
                store.modelVersions(ws, name, runId, 1000).forEach(v -> list.add(version(v)));
                yield Json.object().set("model_versions", list);
            }
            case "model-versions/update", "model-versions/transition-stage" -> {
                String name = required(field, "name");
                String number = required(field, "version");
                version(store, ws, name, number);
                String stage = endpoint.endsWith("transition-stage") ? stage(required(field, "stage")) : null;
                store.updateModelVersion(ws, name, Integer.parseInt(number), field.apply("description"), stage,
                        tracking.now());
                yield Json.object().set("model_version", version(version(store, ws, name, number)));
            }
            case "model-versions/delete" -> {
                String name = required(field, "name");
                String number = required(field, "version");
                version(store, ws, name, number);
                store.deleteModelVersion(ws, name, Integer.parseInt(number));
                yield Json.object();
            }
            case "model-versions/get-download-uri" -> Json.object().put("artifact_uri",
                    version(store, ws, required(field, "name"), required(field, "version")).source());
            default -> throw new MlflowException("ENDPOINT_NOT_FOUND", 404, "amlite does not serve the MLflow endpoint '"
                    + endpoint + "' (" + method + ").");
        };
    }

    private static String required(Function<String, String> field, String name) {
        String value = field.apply(name);
        if (value == null || value.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter '" + name + "'.");
        }
        return value;
    }

    private static String stage(String given) {
        for (String stage : STAGES) {
            if (stage.equalsIgnoreCase(given)) {
                return stage;
            }
        }
        throw MlflowException.invalid("Invalid Model Version stage: " + given + ". Value must be one of " + STAGES + ".");
    }

    private static TrackingStore.RegisteredModel model(TrackingStore store, String ws, String name) {
        return store.registeredModel(ws, name).orElseThrow(() -> MlflowException.missing("Registered Model with name="
                + name + " not found."));
    }

    private static TrackingStore.ModelVersion version(TrackingStore store, String ws, String name, String number) {
        int parsed;
        try {
            parsed = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("Model version must be an integer; got '" + number + "'.");
        }
        return store.modelVersion(ws, name, parsed).orElseThrow(() -> MlflowException.missing("Model Version (name="
                + name + ", version=" + number + ") not found."));
    }

    private static ArrayNode latest(TrackingStore store, String ws, String name, List<String> stages) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        java.util.Map<String, TrackingStore.ModelVersion> byStage = new java.util.LinkedHashMap<>();
        for (TrackingStore.ModelVersion v : store.modelVersions(ws, name, null, 10_000)) {
            byStage.putIfAbsent(v.currentStage(), v);
        }
        byStage.forEach((stage, v) -> {
            if (stages.isEmpty() || stages.stream().anyMatch(s -> s.equalsIgnoreCase(stage))) {
                list.add(version(v));
            }
        });
        return list;
    }

    private static ObjectNode model(TrackingStore store, String ws, TrackingStore.RegisteredModel model) {
        ObjectNode node = Json.object();
        node.put("name", model.name()).put("creation_timestamp", model.creationTime())
                .put("last_updated_timestamp", model.lastUpdatedTime());
        if (model.description() != null) {
            node.put("description", model.description());
        }
        node.set("latest_versions", latest(store, ws, model.name(), List.of()));
        return node;
    }

    private static ObjectNode version(TrackingStore.ModelVersion v) {
        ObjectNode node = Json.object();
        node.put("name", v.name()).put("version", Integer.toString(v.version()))
                .put("creation_timestamp", v.creationTime()).put("last_updated_timestamp", v.lastUpdatedTime())
                .put("current_stage", v.currentStage()).put("status", v.status());
        if (v.source() != null) {
            node.put("source", v.source());
        }
        if (v.runId() != null) {
            node.put("run_id", v.runId());
        }
        if (v.description() != null) {
            node.put("description", v.description());
        }
        return node;
    }
}
