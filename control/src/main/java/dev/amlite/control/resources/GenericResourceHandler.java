package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.catalog.ResourceTypeInfo;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * ARM's behaviour for a resource type that has no dedicated provider yet: the resource is kept as sent
 * (location, tags, sku, kind, identity, properties) after the checks every ARM resource gets — name, parent,
 * provider registration, location offered by the type, policy. Dedicated providers (workspaces, storage, …)
 * replace it type by type; until then this is what lets generic tooling create, read and delete any
 * catalogued type.
 */
public final class GenericResourceHandler implements ResourceTypeHandler {
    private final ResourceStore store;
    private final Catalog catalog;
    private final ProviderRegistrations registrations;
    private final PolicyEngine policy;
    private final Clock clock;

    public GenericResourceHandler(ResourceStore store, Catalog catalog, ProviderRegistrations registrations,
                                  PolicyEngine policy, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registrations = requireNonNull(registrations, "registrations is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        return ArmResponse.ok(store.get(request.resource()).orElseThrow(() -> ArmException.notFound(request.resource()))
                .documentCopy());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        Names.checkResourceName(id.name(), id.type());
        ObjectNode body = request.bodyObject();
        StoredResource parent = requireParent(id);
        ProviderInfo provider = catalog.provider(id.namespace()).orElseThrow();
        String typeBelowNamespace = id.type().substring(id.type().indexOf('/') + 1);
        ResourceTypeInfo typeInfo = provider.type(typeBelowNamespace).orElseThrow();
        if (id.subscriptionId() != null) {
            registrations.requireRegistered(id.subscriptionId(), provider.namespace());
        }
        String location = location(request, body, parent, provider, typeInfo);
        ObjectNode tags = Documents.tags(body.get("tags"));
        ObjectNode properties = Documents.properties(body);
        String canonicalType = provider.namespace() + "/" + typeInfo.resourceType();
        policy.enforce(new PolicyEngine.Candidate(id, canonicalType, location, tags));
        properties.put("provisioningState", "Succeeded");
        ObjectNode document = Json.object();
        if (location != null) {
            document.put("location", location);
        }
        document.set("tags", tags);
        for (String member : List.of("sku", "kind", "identity", "plan", "zones")) {
            if (body.hasNonNull(member)) {
                document.set(member, body.get(member));
            }
        }
        document.set("properties", properties);
        Optional<StoredResource> current = store.get(id);
        if (current.isEmpty()) {
            document.set("systemData", Documents.systemData(request.caller(), clock.instant(), null));
            return ArmResponse.created(store.insert(id, location, document).documentCopy());
        }
        document.set("systemData", Documents.systemData(request.caller(), clock.instant(),
                current.get().document().get("systemData")));
        return ArmResponse.ok(store.replace(current.get(), location, document).documentCopy());
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = store.get(request.resource()).orElseThrow(() -> ArmException.notFound(request.resource()));
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
        policy.enforce(new PolicyEngine.Candidate(current.id(), current.id().type(), current.location(), document.get("tags")));
        document.set("systemData", Documents.systemData(request.caller(), clock.instant(), current.document().get("systemData")));
        return ArmResponse.ok(store.replace(current, current.location(), document).documentCopy());
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        return store.deleteTree(request.resource()) > 0 ? ArmResponse.ok(null) : ArmResponse.noContent();
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ResourceId scope = request.resource();
        String type = request.path().collectionType();
        List<StoredResource> rows;
        if (scope.isResourceGroup()) {
            if (!store.exists(scope)) {
                throw ArmException.notFound(scope);
            }
            rows = store.listInGroup(scope.subscriptionId(), scope.name(), type);
        } else if (scope.isSubscription()) {
            rows = store.listInSubscription(scope.subscriptionId(), type);
        } else {
            if (!store.exists(scope)) {
                throw ArmException.notFound(scope);
            }
            rows = store.listChildren(scope, type);
        }
        return ArmResponse.list(rows.stream().map(StoredResource::documentCopy).toList());
    }

    /** The group of a top-level resource, or the parent of a child, must exist and not be on its way out. */
    private StoredResource requireParent(ResourceId id) {
        ResourceId parentId = id.parent();
        if (parentId == null || parentId.isRoot()) {
            throw new ArmException(ErrorCode.InvalidRequestFormat, "Resources of type '" + id.type()
                    + "' must be created inside a subscription or resource group.");
        }
        StoredResource parent = store.get(parentId).orElseThrow(() -> parentId.isResourceGroup() || parentId.isSubscription()
                ? ArmException.notFound(parentId)
                : new ArmException(ErrorCode.ResourceNotFound, "The parent resource '" + parentId.id() + "' was not found."));
        if (parentId.isResourceGroup()) {
            ResourceGroupHandler.refuseWhileDeleting(parent);
        }
        return parent;
    }

    private String location(ArmRequest request, ObjectNode body, StoredResource parent, ProviderInfo provider,
                            ResourceTypeInfo typeInfo) {
        JsonNode requested = body.get("location");
        String inherited = parent.location();
        if (requested == null || requested.isNull() || requested.asText().isBlank()) {
            return inherited;
        }
        String value = requested.asText();
        if (value.equalsIgnoreCase("global")) {
            return "global";
        }
        Optional<Region> region = catalog.region(value);
        boolean offered = region.isPresent() && (typeInfo.locations().isEmpty()
                || typeInfo.locations().stream().anyMatch(name -> name.equalsIgnoreCase(region.get().displayName())));
        if (!offered) {
            throw new ArmException(ErrorCode.NoRegisteredProviderFound, "No registered resource provider found for "
                    + "location '" + value + "' and API version '" + request.apiVersion() + "' for type '"
                    + typeInfo.resourceType() + "'. The supported api-versions are '"
                    + String.join(", ", provider.apiVersions()) + "'. The supported locations are '"
                    + String.join(", ", typeInfo.locations().stream().map(name -> name.replace(" ", "").toLowerCase()).toList())
                    + "'.");
        }
        return region.get().name();
    }
}
