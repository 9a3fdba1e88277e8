package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;

/**
 * {@code GET …/deployments/{name}/skus}: what a deployment can scale to (Azure's SkuResource list): its instance
 * type with a manual scale from 1 to 50 instances, the default being its current count.
 */
final class DeploymentSkuHandler implements ResourceTypeHandler {
    static final String TYPE = OnlineDeploymentHandler.TYPE + "/skus";
    private final TrackedResources tracked;

    DeploymentSkuHandler(TrackedResources tracked) {
        this.tracked = tracked;
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ResourceId deployment = request.resource();
        var row = tracked.existing(deployment);
        ObjectNode sku = Json.object();
        sku.put("resourceType", OnlineDeploymentHandler.TYPE);
        sku.putObject("sku").put("name", row.document().path("properties").path("instanceType").asText())
                .put("tier", "Standard");
        sku.putObject("capacity").put("minimum", 1).put("maximum", EndpointRules.MAX_INSTANCES)
                .put("default", row.document().path("sku").path("capacity").asInt(1)).put("scaleType", "Manual");
        return ArmResponse.list(java.util.List.of(sku));
    }
}
