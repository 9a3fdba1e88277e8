package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.StoredResource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code workspaces/onlineEndpoints} (EP-1, EP-5, EP-6, EP-7): create and update apply at once (the traffic
 * table changes in the router before the answer); delete is long-running, as it stops every deployment. Actions:
 * {@code listKeys}, {@code regenerateKeys}, {@code token}, and amlite's {@code getRequestLog}.
 */
final class OnlineEndpointHandler implements TrackedTypeHandler {
    static final String TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
    static final String DELETE_OPERATION = "onlineEndpoint.delete";
    private final TrackedResources tracked;
    private final EndpointAuth auth;
    private final ScoringRoutes routes;
    private final OperationRunner operations;
    private final int scoringPort;

    OnlineEndpointHandler(TrackedResources tracked, EndpointAuth auth, ScoringRoutes routes, OperationRunner operations,
                          int scoringPort) {
        this.scoringPort = scoringPort;
        this.tracked = tracked;
        this.auth = auth;
        this.routes = routes;
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

    /**
     * The stored document with the scoring URIs: the host the client reached, on the inference port (the main
     * port when there is none of its own).
     */
    @Override
    public ObjectNode present(StoredResource row, ArmRequest request) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        ObjectNode properties = document.with("properties");
        String base = scoringBase(request.baseUrl(), scoringPort) + "/inference/" + row.location() + "/"
                + row.id().name();
        properties.put("scoringUri", base + "/score");
        properties.put("swaggerUri", base + "/swagger.json");
        return document;
    }

    /** {@code https://host:main} with the port swapped for the inference port. */
    static String scoringBase(String baseUrl, int port) {
        if (port <= 0) {
            return baseUrl;
        }
        java.net.URI uri = java.net.URI.create(baseUrl);
        return uri.getScheme() + "://" + (uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost())
                + ":" + port;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        return write(request, request.bodyObject(), true);
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        tracked.existing(request.resource());
        return write(request, request.bodyObject(), false);
    }

    private ArmResponse write(ArmRequest request, ObjectNode body, boolean replace) {
        ResourceId id = request.resource();
        EndpointRules.checkName("Endpoint", id.name());
        TrackedResources.Placement placement = tracked.place(request, id, body);
        StoredResource current = placement.current().orElse(null);
        if (current != null && "Deleting".equals(current.provisioningState())) {
            throw new ArmException(ErrorCode.Conflict, "Endpoint '" + id.name() + "' is being deleted.");
        }
        if (current == null) {
            requireUniqueInRegion(id, placement.location());
        }
        String kind = body.path("kind").asText(current == null ? "Managed"
                : current.document().path("kind").asText("Managed"));
        if (!kind.equalsIgnoreCase("Managed")) {
            throw new ArmException(ErrorCode.InvalidParameter, "Endpoint kind '" + kind + "' is not offered: amlite "
                    + "runs managed online endpoints only (Kubernetes endpoints, and mirroring on them, need an "
                    + "attached Kubernetes compute).");
        }
        ObjectNode requested = body.path("properties").isObject() ? (ObjectNode) body.path("properties") : Json.object();
        ObjectNode document = current == null ? Json.object() : current.documentCopy();
        ObjectNode properties = document.with("properties");
        for (String member : List.of("description", "properties", "publicNetworkAccess", "traffic", "mirrorTraffic")) {
            if (requested.has(member)) {
                properties.set(member, requested.get(member));
            }
        }
        String authMode = authMode(requested.path("authMode").asText(properties.path("authMode").asText("Key")));
        properties.put("authMode", authMode);
        Map<String, Integer> traffic = EndpointRules.percentages("traffic", properties.path("traffic"));
        Map<String, Integer> mirror = EndpointRules.percentages("mirrorTraffic", properties.path("mirrorTraffic"));
        Set<String> deployments = new LinkedHashSet<>();
        if (current != null) {
            for (StoredResource deployment : tracked.store().listChildren(id, OnlineDeploymentHandler.TYPE)) {
                if (!"Deleting".equals(deployment.provisioningState())) {
                    deployments.add(deployment.id().name());
                }
            }
        }
        EndpointRules.checkTraffic(id.name(), traffic, mirror, deployments);
        properties.set("traffic", canonical(traffic, deployments));
        properties.set("mirrorTraffic", canonical(mirror, deployments));
        String access = properties.path("publicNetworkAccess").asText("Enabled");
        if (!access.equalsIgnoreCase("Enabled") && !access.equalsIgnoreCase("Disabled")) {
            throw new ArmException(ErrorCode.InvalidParameter, "public_network_access must be enabled or disabled; '"
                    + access + "' was given.");
        }
        properties.put("publicNetworkAccess", access.equalsIgnoreCase("Enabled") ? "Enabled" : "Disabled");
        properties.put("provisioningState", "Succeeded");
        document.put("kind", "Managed");
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        if (!document.has("identity")) {
            document.putObject("identity").put("type", "SystemAssigned")
                    .put("principalId", UUID.randomUUID().toString()).put("tenantId", request.caller().tenantId());
        }
        StoredResource saved = tracked.write(request.caller(), placement, document);
        auth.ensure(id);
        routes.refresh(id);
        ObjectNode shown = present(saved, request);
        return current == null ? ArmResponse.created(shown) : ArmResponse.ok(shown);
    }

    /** Traffic keys spelled as the deployments are; zero entries of deployments kept (Azure shows "green": 0). */
    private static ObjectNode canonical(Map<String, Integer> values, Set<String> deployments) {
        ObjectNode node = Json.object();
        values.forEach((name, value) -> node.put(deployments.stream().filter(d -> d.equalsIgnoreCase(name))
                .findFirst().orElse(name), value));
        return node;
    }

    private static String authMode(String given) {
        return switch (given.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "key" -> EndpointRoute.KEY;
            case "amltoken" -> EndpointRoute.AML_TOKEN;
            case "aadtoken" -> throw new ArmException(ErrorCode.InvalidParameter, "auth_mode aad_token is not "
                    + "supported yet; use key or aml_token.");
            default -> throw new ArmException(ErrorCode.InvalidParameter, "auth_mode must be key or aml_token; '"
                    + given + "' was given.");
        };
    }

    private void requireUniqueInRegion(ResourceId id, String region) {
        for (StoredResource other : tracked.store().findByTypeAndName(id.typeKey(), id.name())) {
            if (!other.id().key().equals(id.key()) && region != null && region.equalsIgnoreCase(other.location())) {
                throw new ArmException(ErrorCode.Conflict, "An online endpoint named '" + id.name() + "' already "
                        + "exists in region " + region + " (in workspace '" + other.id().parent().name() + "'). "
                        + "Endpoint names are unique per region because they are part of the scoring URI; choose "
                        + "another name.");
            }
        }
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        ResourceId id = request.resource();
        StoredResource endpoint = tracked.deleting(request).orElse(null);
        if (endpoint == null) {
            return ArmResponse.noContent();
        }
        if (!"Deleting".equals(endpoint.provisioningState())) {
            ObjectNode document = endpoint.documentCopy();
            document.with("properties").put("provisioningState", "Deleting");
            tracked.store().replace(endpoint, endpoint.location(), document);
        }
        routes.refresh(id);
        Operation operation = operations.start(DELETE_OPERATION, id, Json.object().put("id", id.id()));
        return operations.accepted(request, operation);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ResourceId id = request.resource();
        StoredResource endpoint = tracked.existing(id);
        String mode = endpoint.document().path("properties").path("authMode").asText(EndpointRoute.KEY);
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "listkeys" -> {
                if (!mode.equals(EndpointRoute.KEY)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "Endpoint '" + id.name() + "' uses aml_token "
                            + "authentication and has no keys; get a token with the 'token' action "
                            + "('amlite ml online-endpoint get-credentials').");
                }
                yield ArmResponse.ok(auth.keys(id));
            }
            case "regeneratekeys" -> {
                JsonNode body = request.bodyObject();
                auth.regenerate(id, body.path("keyType").asText(""), body.hasNonNull("keyValue")
                        ? body.path("keyValue").asText() : null);
                // A new etag: the other servers sharing the store see the row change and take the new keys.
                tracked.update(request.caller(), endpoint, endpoint.documentCopy());
                routes.refresh(id);
                yield ArmResponse.ok(null);
            }
            case "token" -> {
                if (!mode.equals(EndpointRoute.AML_TOKEN)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "Endpoint '" + id.name() + "' uses key "
                            + "authentication; use its keys ('listKeys'), or switch it to aml_token.");
                }
                yield ArmResponse.ok(auth.token(id));
            }
            case "getrequestlog" -> {
                int top = request.body() != null ? request.body().path("top").asInt(100) : 100;
                ObjectNode result = Json.object();
                result.set("value", routes.log(id).map(log -> log.newest(Math.max(1, Math.min(1000, top))))
                        .orElseGet(Json.MAPPER::createArrayNode));
                yield ArmResponse.ok(result);
            }
            default -> TrackedTypeHandler.super.action(request, action);
        };
    }
}
