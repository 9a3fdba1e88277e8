package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.StoredResource;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code onlineEndpoints/deployments} (EP-2, EP-3): create and update are long-running — the answer comes at once
 * with Azure-AsyncOperation, the instances start (or scale, or roll) behind it. Bad input, a missing model or
 * code, and quota are refused before anything starts. Delete refuses a deployment with live traffic. Actions:
 * {@code getLogs} and amlite's {@code getMetrics}.
 */
final class OnlineDeploymentHandler implements TrackedTypeHandler {
    static final String TYPE = OnlineEndpointHandler.TYPE + "/deployments";
    static final String TYPE_KEY = TYPE.toLowerCase(java.util.Locale.ROOT);
    static final String APPLY_OPERATION = "onlineDeployment.apply";
    static final String DELETE_OPERATION = "onlineDeployment.delete";
    private static final Set<String> BUSY = Set.of("Creating", "Updating", "Deleting");
    private final TrackedResources tracked;
    private final Catalog catalog;
    private final dev.amlite.control.quota.Quotas quota;
    private final ServingHost host;
    private final OperationRunner operations;

    OnlineDeploymentHandler(TrackedResources tracked, dev.amlite.control.quota.Quotas quota, ServingHost host, OperationRunner operations) {
        this.tracked = tracked;
        this.catalog = tracked.catalog();
        this.quota = quota;
        this.host = host;
        this.operations = operations;
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectNode present(StoredResource row) {
        return TrackedTypeHandler.withoutEtag(row);
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        return write(request, request.bodyObject(), null);
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = tracked.changing(request);
        ObjectNode merged = current.documentCopy();
        merge(merged, request.bodyObject());
        return write(request, merged, current);
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private ArmResponse write(ArmRequest request, ObjectNode body, StoredResource patched) {
        ResourceId id = request.resource();
        ResourceId endpointId = id.parent();
        EndpointRules.checkName("Deployment", id.name());
        StoredResource endpoint = tracked.existing(endpointId);
        if ("Deleting".equals(endpoint.provisioningState())) {
            throw new ArmException(ErrorCode.Conflict, "Endpoint '" + endpointId.name() + "' is being deleted.");
        }
        TrackedResources.Placement placement = tracked.place(request, id, body);
        StoredResource current = placement.current().orElse(null);
        if (current != null && BUSY.contains(current.provisioningState())) {
            throw new ArmException(ErrorCode.Conflict, "Deployment '" + id.name() + "' is "
                    + current.provisioningState().toLowerCase(Locale.ROOT) + " now; wait until that finishes "
                    + "('amlite ml online-deployment show -n " + id.name() + " -e " + endpointId.name() + "').");
        }
        if (current == null) {
            long others = tracked.store().listChildren(endpointId, TYPE).size();
            if (others >= EndpointRules.MAX_DEPLOYMENTS) {
                throw new ArmException(ErrorCode.OperationNotAllowed, "Endpoint '" + endpointId.name() + "' has "
                        + others + " deployments, the most an endpoint can have (" + EndpointRules.MAX_DEPLOYMENTS
                        + "). Delete one first.");
            }
        }
        ObjectNode document = Json.object();
        ObjectNode properties = Documents.properties(body).deepCopy();
        properties.remove("provisioningState");
        String endpointType = properties.path("endpointComputeType").asText("Managed");
        if (!endpointType.equalsIgnoreCase("Managed")) {
            throw new ArmException(ErrorCode.InvalidParameter, "endpointComputeType must be Managed; amlite has no "
                    + "Kubernetes computes.");
        }
        properties.put("endpointComputeType", "Managed");
        ResourceId workspace = endpointId.parent();
        properties.put("model", reference(workspace, properties.path("model").asText(null), "models", "model"));
        JsonNode code = properties.path("codeConfiguration");
        if (code.isObject() && code.hasNonNull("codeId")) {
            ((ObjectNode) code).put("codeId", reference(workspace, code.path("codeId").asText(), "codes", "code"));
        }
        if (properties.hasNonNull("environmentId")) {
            properties.put("environmentId", reference(workspace, properties.path("environmentId").asText(),
                    "environments", "environment"));
        }
        document.set("properties", properties);
        ObjectNode sku = body.path("sku").isObject() ? ((ObjectNode) body.path("sku")).deepCopy() : Json.object();
        if (!sku.has("capacity")) {
            sku.put("capacity", 1);
        }
        sku.put("name", sku.path("name").asText("Default"));
        sku.put("tier", sku.path("tier").asText("Standard"));
        document.set("sku", sku);
        document.put("kind", "Managed");
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        DeploymentSpec spec = DeploymentSpec.parse(document, catalog, endpoint.location());
        requireAssets(spec);
        EndpointQuota.check(quota, id, endpoint.location(), spec);
        properties.put("provisioningState", current == null ? "Creating" : "Updating");
        StoredResource saved = tracked.write(request.caller(), placement, document);
        Operation operation = operations.start(APPLY_OPERATION, id, Json.object().put("id", id.id()));
        ArmResponse answer = current == null ? ArmResponse.created(present(saved)) : ArmResponse.ok(present(saved));
        Map<String, String> headers = operations.asyncHeaders(request, operation);
        return answer.withHeader("Azure-AsyncOperation", headers.get("Azure-AsyncOperation"))
                .withHeader("Retry-After", headers.get("Retry-After"));
    }

    /**
     * An asset reference as an ARM id in this workspace: {@code azureml:name:version}, {@code azureml:/subscriptions/…}
     * or an ARM id; the version must exist.
     */
    static String reference(ResourceId workspace, String given, String segment, String label) {
        return dev.amlite.control.assets.AssetReference.resolve(workspace, given, segment, label, "deployment");
    }

    private void requireExists(String reference, String label) {
        dev.amlite.control.assets.AssetReference.requireExists(tracked.store(), reference, label);
    }

    /** Checks the assets a parsed deployment names before any work starts. */
    void requireAssets(DeploymentSpec spec) {
        requireExists(spec.model(), "Model");
        requireExists(spec.code(), "Code");
        requireExists(spec.environment(), "Environment");
        if (spec.servesMlflowModel()) {
            ResourceId model = ResourceId.parse(spec.model());
            String type = tracked.existing(model).document().path("properties").path("modelType")
                    .asText("CustomModel");
            if (!type.equalsIgnoreCase("MLFlowModel")) {
                throw new ArmException(ErrorCode.InvalidParameter, "code_configuration (code and scoring_script) is "
                        + "required: model '" + model.parent().name() + "' version '" + model.name() + "' is a "
                        + type + ", and only an MLflow model (type mlflow_model) is served without a scoring "
                        + "script.");
            }
        }
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        ResourceId id = request.resource();
        StoredResource deployment = tracked.deleting(request).orElse(null);
        if (deployment == null) {
            return ArmResponse.noContent();
        }
        StoredResource endpoint = tracked.existing(id.parent());
        JsonNode properties = endpoint.document().path("properties");
        for (String member : List.of("traffic", "mirrorTraffic")) {
            Iterator<Map.Entry<String, JsonNode>> entries = properties.path(member).fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (entry.getKey().equalsIgnoreCase(id.name()) && entry.getValue().asInt() > 0) {
                    throw new ArmException(ErrorCode.Conflict, "Deployment '" + id.name() + "' still gets "
                            + entry.getValue().asInt() + "% of endpoint '" + id.parent().name() + "'s "
                            + (member.equals("traffic") ? "live" : "mirrored") + " traffic. Move it to other "
                            + "deployments first ('amlite ml online-endpoint update -n " + id.parent().name() + " --"
                            + (member.equals("traffic") ? "traffic" : "mirror-traffic") + " \"" + id.name()
                            + "=0 ...\"').");
                }
            }
        }
        if (!"Deleting".equals(deployment.provisioningState())) {
            ObjectNode document = deployment.documentCopy();
            document.with("properties").put("provisioningState", "Deleting");
            tracked.store().replace(deployment, deployment.location(), document);
        }
        Operation operation = operations.start(DELETE_OPERATION, id, Json.object().put("id", id.id()));
        return operations.accepted(request, operation);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ResourceId id = request.resource();
        StoredResource deployment = tracked.existing(id);
        DeploymentRuntime runtime = host.runtime(id);
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "getlogs" -> {
                JsonNode body = request.body() == null ? Json.object() : request.body();
                int tail = body.path("tail").asInt(5000);
                if (tail < 1 || tail > 10_000) {
                    throw new ArmException(ErrorCode.InvalidParameter, "tail (--lines) must be from 1 to 10000; "
                            + tail + " was given.");
                }
                String container = body.path("containerType").asText("InferenceServer");
                List<String> lines;
                if (container.equalsIgnoreCase("StorageInitializer")) {
                    lines = List.of("[amlite] model and code files of deployment '" + id.name() + "' are copied "
                            + "from the workspace's datastores before the instances start; state: "
                            + deployment.provisioningState());
                } else if (container.equalsIgnoreCase("InferenceServer")) {
                    lines = runtime == null ? List.of() : runtime.logs(tail);
                } else {
                    throw new ArmException(ErrorCode.InvalidParameter, "containerType must be InferenceServer or "
                            + "StorageInitializer; '" + container + "' was given.");
                }
                yield ArmResponse.ok(Json.object().put("content", String.join("\n", lines)
                        + (lines.isEmpty() ? "" : "\n")));
            }
            case "getmetrics" -> {
                ObjectNode metrics = runtime == null ? Json.object() : runtime.metrics().toJson();
                metrics.put("readyInstances", runtime == null ? 0 : runtime.readyInstances());
                metrics.put("restarts", runtime == null ? 0 : runtime.restarts());
                yield ArmResponse.ok(metrics);
            }
            default -> TrackedTypeHandler.super.action(request, action);
        };
    }
}
