package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.core.Json;
import dev.amlite.store.StoredResource;
import java.util.List;
import static java.util.Objects.requireNonNull;

/**
 * ARM's behaviour for a resource type that has no dedicated provider yet: the resource is kept as sent
 * (location, tags, sku, kind, identity, properties) after the checks every ARM resource gets — name, parent,
 * provider registration, location offered by the type, policy. Dedicated providers (workspaces, storage, …)
 * replace it type by type; until then this is what lets generic tooling create, read and delete any
 * catalogued type.
 */
public final class GenericResourceHandler implements ResourceTypeHandler {
    private final TrackedResources tracked;

    public GenericResourceHandler(TrackedResources tracked) {
        this.tracked = requireNonNull(tracked, "tracked is null");
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        StoredResource row = tracked.existing(request.resource());
        return ArmResponse.ok(row.documentCopy()).withHeader("ETag", row.etag());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, body);
        ObjectNode properties = Documents.properties(body);
        properties.put("provisioningState", "Succeeded");
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        for (String member : List.of("sku", "kind", "identity", "plan", "zones")) {
            if (body.hasNonNull(member)) {
                document.set(member, body.get(member));
            }
        }
        document.set("properties", properties);
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
        if (body.has("properties")) {
            ObjectNode properties = (ObjectNode) document.path("properties");
            properties.setAll(Documents.properties(body));
            properties.put("provisioningState", "Succeeded");
        }
        return ArmResponse.ok(tracked.update(request.caller(), current, document).documentCopy());
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        return tracked.deleteTree(request);
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        return ArmResponse.list(tracked.list(request.resource(), request.path().collectionType()).stream()
                .map(StoredResource::documentCopy).toList());
    }
}
