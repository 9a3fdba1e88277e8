package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.Preconditions;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.catalog.ResourceTypeInfo;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import static java.util.Objects.requireNonNull;

/**
 * The checks every ARM resource gets before a provider looks at it — parent exists and is not being deleted,
 * the namespace is registered in the subscription, the location is offered, policy allows it — and the
 * bookkeeping every write does (systemData, insert or replace). Providers call {@link #place} first and
 * {@link #save} last, with their own validation in between.
 */
public final class TrackedResources {
    private final ResourceStore store;
    private final Catalog catalog;
    private final ProviderRegistrations registrations;
    private final PolicyEngine policy;
    private final Clock clock;

    public TrackedResources(ResourceStore store, Catalog catalog, ProviderRegistrations registrations,
                            PolicyEngine policy, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registrations = requireNonNull(registrations, "registrations is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Where a resource being written goes, after the checks ARM makes before any provider sees it. */
    public record Placement(ResourceId id, String canonicalType, String location, ObjectNode tags,
                            StoredResource parent, Optional<StoredResource> current) {
    }

    public Placement place(ArmRequest request, ObjectNode body) {
        ResourceId id = request.resource();
        Names.checkResourceName(id.name(), id.type());
        return place(request, id, body);
    }

    /** As {@link #place(ArmRequest, ObjectNode)} for a resource other than the request's (a dependent resource). */
    public Placement place(ArmRequest request, ResourceId id, ObjectNode body) {
        StoredResource parent = requireParent(id);
        ProviderInfo provider = catalog.provider(id.namespace()).orElseThrow();
        String typeBelowNamespace = id.type().substring(id.type().indexOf('/') + 1);
        ResourceTypeInfo typeInfo = provider.type(typeBelowNamespace).orElseThrow();
        if (id.subscriptionId() != null) {
            registrations.requireRegistered(id.subscriptionId(), provider.namespace());
        }
        String location = location(request.apiVersion(), body.get("location"), parent, provider, typeInfo);
        ObjectNode tags = Documents.tags(body.get("tags"));
        String canonicalType = provider.namespace() + "/" + typeInfo.resourceType();
        policy.enforce(new PolicyEngine.Candidate(id, canonicalType, location, tags));
        Optional<StoredResource> current = store.get(id);
        if (id.key().equals(request.resource().key())) {
            // Checked against the row the write will replace (only if its etag is still this one) or create (only if
            // there is none), so the request's If-Match / If-None-Match hold exactly, not only as the front door saw.
            request.preconditions().check(id, current.map(StoredResource::etag));
        }
        return new Placement(id, canonicalType, location, tags, parent, current);
    }

    /** Stores the document (insert when new, replace otherwise) with systemData, and answers 201 or 200. */
    public ArmResponse save(Caller caller, Placement placement, ObjectNode document,
                            Function<StoredResource, ObjectNode> present) {
        StoredResource saved = write(caller, placement, document);
        ObjectNode shown = present.apply(saved);
        return placement.current().isEmpty() ? ArmResponse.created(shown) : ArmResponse.ok(shown);
    }

    public StoredResource write(Caller caller, Placement placement, ObjectNode document) {
        if (placement.location() != null) {
            document.put("location", placement.location());
        }
        if (!document.has("tags")) {
            document.set("tags", placement.tags());
        }
        if (placement.current().isEmpty()) {
            document.set("systemData", Documents.systemData(caller, clock.instant(), null));
            return store.insert(placement.id(), placement.location(), document);
        }
        StoredResource current = placement.current().get();
        document.set("systemData", Documents.systemData(caller, clock.instant(), current.document().get("systemData")));
        return store.replace(current, placement.location(), document);
    }

    /** Replaces an existing resource's document after a PATCH or an action, re-checking policy on its tags. */
    public StoredResource update(Caller caller, StoredResource current, ObjectNode document) {
        policy.enforce(new PolicyEngine.Candidate(current.id(), current.id().type(), current.location(), document.get("tags")));
        document.set("systemData", Documents.systemData(caller, clock.instant(), current.document().get("systemData")));
        return store.replace(current, current.location(), document);
    }

    /** The group of a top-level resource, or the parent of a child, must exist and not be on its way out. */
    public StoredResource requireParent(ResourceId id) {
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

    /**
     * Names that are DNS labels in Azure (storage accounts, vaults, registries) are unique across the service, not
     * only within a group; soft-deleted namesakes keep theirs taken. Returns the other holder, if any.
     */
    public Optional<StoredResource> otherHolderOfName(ResourceId id) {
        return store.findByTypeAndName(id.typeKey(), id.name()).stream()
                .filter(row -> !row.id().key().equals(id.key()))
                .findFirst();
    }

    public StoredResource existing(ResourceId id) {
        return store.get(id).orElseThrow(() -> ArmException.notFound(id));
    }

    /**
     * The resource a PATCH changes, with the request's If-Match / If-None-Match checked against the row read here:
     * the write that replaces this row (only while its etag is still this one) then holds the condition exactly, not
     * only as the front door saw it before the handler ran.
     */
    public StoredResource changing(ArmRequest request) {
        StoredResource row = existing(request.resource());
        request.preconditions().check(row.id(), Optional.of(row.etag()));
        return row;
    }

    /**
     * The resource a DELETE with work of its own removes (secrets, links), empty when it is not there, with the
     * request's conditions checked against the row read here, before that work: a change in the statements between
     * this read and the row's delete is the window that remains.
     */
    public Optional<StoredResource> deleting(ArmRequest request) {
        Optional<StoredResource> row = store.get(request.resource());
        request.preconditions().check(request.resource(), row.map(StoredResource::etag));
        return row;
    }

    /**
     * DELETE of the request's resource and everything below it: 200 when it was there, 204 when not. A conditional
     * delete is checked against the row it removes, in the delete's own transaction.
     */
    public ArmResponse deleteTree(ArmRequest request) {
        ResourceId id = request.resource();
        if (request.preconditions().equals(Preconditions.NONE)) {
            return store.deleteTree(id) > 0 ? ArmResponse.ok(null) : ArmResponse.noContent();
        }
        Optional<StoredResource> row = store.get(id);
        request.preconditions().check(id, row.map(StoredResource::etag));
        return row.isPresent() && store.deleteTree(id, row.get().etag()) > 0 ? ArmResponse.ok(null)
                : ArmResponse.noContent();
    }

    /**
     * The location a resource gets: its parent's when none is given, else the requested region if the type is
     * offered there — otherwise seed 001's "No registered resource provider found for location" error.
     */
    private String location(String apiVersion, JsonNode requested, StoredResource parent, ProviderInfo provider,
                            ResourceTypeInfo typeInfo) {
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
                    + "location '" + value + "' and API version '" + apiVersion + "' for type '"
                    + typeInfo.resourceType() + "'. The supported api-versions are '"
                    + String.join(", ", provider.apiVersions()) + "'. The supported locations are '"
                    + String.join(", ", typeInfo.locations().stream().map(name -> name.replace(" ", "").toLowerCase()).toList())
                    + "'.");
        }
        return region.get().name();
    }

    public ResourceStore store() {
        return store;
    }

    public Catalog catalog() {
        return catalog;
    }

    public ProviderRegistrations registrations() {
        return registrations;
    }

    public Clock clock() {
        return clock;
    }

    /** The resources of a type below a parent resource, newest first, at most {@code limit} (MAX_VALUE: all). */
    public List<StoredResource> listNewest(ResourceId parent, String type, int limit) {
        if (!store.exists(parent)) {
            throw ArmException.notFound(parent);
        }
        return store.listNewestChildren(parent, type, limit);
    }

    /**
     * The newest {@code limit} of those {@code kept} (a list view hiding archived ones): read in batches, so that a
     * short list of a long history reads little more than it returns.
     */
    public List<StoredResource> listNewest(ResourceId parent, String type, int limit, Predicate<StoredResource> kept) {
        if (limit == Integer.MAX_VALUE) {
            return listNewest(parent, type, limit).stream().filter(kept).toList();
        }
        if (!store.exists(parent)) {
            throw ArmException.notFound(parent);
        }
        List<StoredResource> found = new ArrayList<>();
        // A resource made between two batches moves the rest down by one: the same one read twice is kept once.
        Set<ResourceId> seen = new HashSet<>();
        int batch = Math.min(Math.max(limit, 50), 1_000);
        long offset = 0;
        while (found.size() < limit) {
            List<StoredResource> rows = store.listNewestChildren(parent, type, batch, offset);
            for (StoredResource row : rows) {
                if (found.size() < limit && seen.add(row.id()) && kept.test(row)) {
                    found.add(row);
                }
            }
            if (rows.size() < batch) {
                break;
            }
            offset += rows.size();
            batch = Math.min(batch * 2, 10_000);
        }
        return found;
    }

    /** Lists a type below a scope: a group, a subscription, or a parent resource. */
    public List<StoredResource> list(ResourceId scope, String type) {
        if (scope.isResourceGroup()) {
            if (!store.exists(scope)) {
                throw ArmException.notFound(scope);
            }
            return store.listInGroup(scope.subscriptionId(), scope.name(), type);
        }
        if (scope.isSubscription()) {
            return store.listInSubscription(scope.subscriptionId(), type);
        }
        if (!store.exists(scope)) {
            throw ArmException.notFound(scope);
        }
        return store.listChildren(scope, type);
    }
}
