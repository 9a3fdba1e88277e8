package dev.amlite.control.insights;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.Insights/components}: an Application Insights component with its instrumentation key and
 * connection string, which a workspace reports in {@code listKeys}. The key is an identifier, not a secret, in
 * Azure too (it is shown by {@code show}).
 */
public final class ApplicationInsightsHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.Insights/components";
    private final TrackedResources tracked;

    public ApplicationInsightsHandler(TrackedResources tracked) {
        this.tracked = requireNonNull(tracked, "tracked is null");
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
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, body);
        ObjectNode requested = Documents.properties(body);
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        document.put("kind", body.path("kind").asText("web"));
        ObjectNode properties = document.putObject("properties");
        var previous = placement.current().map(c -> c.document().path("properties"));
        String key = previous.map(p -> p.path("InstrumentationKey").asText()).orElse(UUID.randomUUID().toString());
        String appId = previous.map(p -> p.path("AppId").asText()).orElse(UUID.randomUUID().toString());
        properties.put("ApplicationId", id.name());
        properties.put("AppId", appId);
        properties.put("Application_Type", requested.path("Application_Type").asText("web"));
        properties.put("Flow_Type", requested.path("Flow_Type").asText("Bluefield"));
        properties.put("Request_Source", requested.path("Request_Source").asText("rest"));
        properties.put("InstrumentationKey", key);
        properties.put("ConnectionString", "InstrumentationKey=" + key + ";IngestionEndpoint="
                + request.baseUrl() + "/insights/" + id.name() + "/");
        properties.put("CreationDate", previous.map(p -> p.path("CreationDate").asText())
                .orElse(tracked.clock().instant().toString()));
        properties.put("TenantId", id.subscriptionId());
        properties.put("RetentionInDays", requested.path("RetentionInDays").asInt(90));
        properties.put("publicNetworkAccessForIngestion", "Enabled");
        properties.put("publicNetworkAccessForQuery", "Enabled");
        properties.put("provisioningState", "Succeeded");
        return tracked.save(request.caller(), placement, document, StoredResource::documentCopy);
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = tracked.changing(request);
        ObjectNode body = request.bodyObject();
        ObjectNode document = current.documentCopy();
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        return ArmResponse.ok(tracked.update(request.caller(), current, document).documentCopy());
    }
}
