package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * Resource groups (RM-1): create or update with PUT, tags with PATCH, existence with HEAD, and a long-running
 * DELETE that removes everything inside the group in one transaction. A deletion interrupted by a crash runs
 * again at the next start.
 */
public final class ResourceGroupHandler implements ResourceTypeHandler {
    public static final String DELETE_OPERATION = "resourceGroups.delete";
    private static final Logger LOG = LoggerFactory.getLogger(ResourceGroupHandler.class);
    private final ResourceStore store;
    private final Catalog catalog;
    private final PolicyEngine policy;
    private final OperationRunner operations;
    private final Authorizer authorizer;
    private final Clock clock;

    /** Actions on a group that other features provide (moves); null when the action is not theirs. */
    @FunctionalInterface
    public interface GroupActions {
        ArmResponse action(ArmRequest request, String action);
    }

    private GroupActions actions = (request, action) -> null;
    private Runnable afterDelete = () -> { };

    /** Gives the group's POST actions to {@code actions} (set once by the composing code). */
    public ResourceGroupHandler withActions(GroupActions actions) {
        this.actions = requireNonNull(actions, "actions is null");
        return this;
    }

    /**
     * Runs {@code afterDelete} once a group's rows are deleted, before its delete operation ends (set once by the
     * composing code): features that run things for resources stop those of the group's.
     */
    public ResourceGroupHandler withAfterDelete(Runnable afterDelete) {
        this.afterDelete = requireNonNull(afterDelete, "afterDelete is null");
        return this;
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ArmResponse answer = actions.action(request, action);
        if (answer == null) {
            throw new ArmException(ErrorCode.NotFound, "The action '" + action + "' is not defined on resource "
                    + "groups; they offer validateMoveResources and moveResources.");
        }
        return answer;
    }

    public ResourceGroupHandler(ResourceStore store, Catalog catalog, PolicyEngine policy, OperationRunner operations,
                                Authorizer authorizer, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.operations = requireNonNull(operations, "operations is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.clock = requireNonNull(clock, "clock is null");
        operations.register(DELETE_OPERATION, new DeleteWorker());
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        requireSubscription(request.resource());
        Documents.ListFilter filter = Documents.ListFilter.parse(request.queryParameter("$filter"));
        List<ObjectNode> groups = store.listInSubscription(request.resource().subscriptionId(), ResourceId.RESOURCE_GROUP_TYPE)
                .stream().map(ResourceGroupHandler::present).filter(filter::matches).toList();
        return ArmResponse.list(groups);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        StoredResource row = existing(request.resource());
        return ArmResponse.ok(present(row)).withHeader("ETag", row.etag());
    }

    @Override
    public ArmResponse head(ArmRequest request) {
        requireSubscription(request.resource().parent());
        return ArmResponse.status(store.exists(request.resource()) ? 204 : 404);
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        Names.checkResourceGroupName(id.name());
        requireSubscription(id.parent());
        ObjectNode body = request.bodyObject();
        String requested = body.path("location").asText(null);
        if (requested == null || requested.isBlank()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "The 'location' property is required for a "
                    + "resource group. Available regions: " + catalog.regionNames() + ".");
        }
        Region region = catalog.region(requested).orElseThrow(() -> new ArmException(
                ErrorCode.LocationNotAvailableForResourceGroup, "The provided location '" + requested + "' is not "
                + "available for resource group. List of available regions is '" + catalog.regionNames() + "'."));
        ObjectNode tags = Documents.tags(body.get("tags"));
        policy.enforce(new PolicyEngine.Candidate(id, ResourceId.RESOURCE_GROUP_TYPE, region.name(), tags));
        Optional<StoredResource> current = store.get(id);
        request.preconditions().check(id, current.map(StoredResource::etag));
        ObjectNode document = Json.object();
        document.put("location", region.name());
        if (body.hasNonNull("managedBy")) {
            document.put("managedBy", body.path("managedBy").asText());
        }
        document.set("tags", tags);
        document.putObject("properties").put("provisioningState", "Succeeded");
        if (current.isEmpty()) {
            document.set("systemData", Documents.systemData(request.caller(), clock.instant(), null));
            return ArmResponse.created(present(store.insert(id, region.name(), document)));
        }
        StoredResource group = current.get();
        refuseWhileDeleting(group);
        if (!group.location().equalsIgnoreCase(region.name())) {
            throw new ArmException(ErrorCode.InvalidResourceGroupLocation, "Invalid resource group location '"
                    + requested + "'. The Resource group already exists in location '" + group.location()
                    + "' in resource group '" + group.id().name() + "'. A resource group's location cannot be changed.");
        }
        document.set("systemData", Documents.systemData(request.caller(), clock.instant(), group.document().get("systemData")));
        return ArmResponse.ok(present(store.replace(group, region.name(), document)));
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource group = existing(request.resource());
        request.preconditions().check(group.id(), Optional.of(group.etag())); // against the row it replaces
        refuseWhileDeleting(group);
        ObjectNode body = request.bodyObject();
        ObjectNode document = group.documentCopy();
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        if (body.has("managedBy")) {
            document.set("managedBy", body.get("managedBy"));
        }
        policy.enforce(new PolicyEngine.Candidate(group.id(), ResourceId.RESOURCE_GROUP_TYPE, group.location(),
                document.get("tags")));
        document.set("systemData", Documents.systemData(request.caller(), clock.instant(), group.document().get("systemData")));
        return ArmResponse.ok(present(store.replace(group, group.location(), document)));
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        StoredResource group = existing(request.resource());
        request.preconditions().check(group.id(), Optional.of(group.etag())); // against the row it marks Deleting
        if (!"Deleting".equals(group.provisioningState())) {
            ObjectNode document = group.documentCopy();
            ((ObjectNode) document.path("properties")).put("provisioningState", "Deleting");
            store.replace(group, group.location(), document);
        }
        Operation operation = operations.start(DELETE_OPERATION, group.id(), Json.object().put("id", group.id().id()));
        return operations.accepted(request, operation);
    }

    private StoredResource existing(ResourceId id) {
        requireSubscription(id.parent());
        return store.get(id).orElseThrow(() -> ArmException.notFound(id));
    }

    private void requireSubscription(ResourceId subscription) {
        if (!store.exists(subscription)) {
            throw ArmException.notFound(subscription);
        }
    }

    static void refuseWhileDeleting(StoredResource group) {
        if ("Deleting".equals(group.provisioningState())) {
            throw new ArmException(ErrorCode.ResourceGroupBeingDeleted, "The resource group '" + group.id().name()
                    + "' is in deprovisioning state and cannot perform this operation.");
        }
    }

    static ObjectNode present(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        if (!document.has("managedBy")) {
            document.putNull("managedBy");
        }
        JsonNode tags = document.get("tags");
        if (tags != null && tags.isEmpty()) {
            document.putObject("tags");
        }
        return document;
    }

    private final class DeleteWorker implements OperationWorker {
        @Override
        public void run(Operation operation) {
            ResourceId group = ResourceId.parse(operation.resourceId());
            // Service-managed groups (a CMK workspace's azureml-rg-…) belong to a resource inside this group.
            String inside = group.id().toLowerCase(java.util.Locale.ROOT) + "/";
            for (StoredResource other : store.listInSubscription(group.subscriptionId(), ResourceId.RESOURCE_GROUP_TYPE)) {
                String managedBy = other.document().path("managedBy").asText("").toLowerCase(java.util.Locale.ROOT);
                if (managedBy.startsWith(inside)) {
                    store.deleteTree(other.id());
                }
            }
            int removed = store.deleteTree(group);
            authorizer.invalidate();
            policy.invalidate();
            afterDelete.run();
            LOG.info("Resource group {} deleted with {} rows (operation {})", group.id(), removed, operation.id());
        }

        @Override
        public boolean resumable() {
            return true;
        }
    }
}
