package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/**
 * {@code …/resources} of a subscription or group (RM-2): the top-level resources inside, filtered with
 * {@code $filter=resourceType eq '…'} and friends. Bookkeeping rows (registrations, assignments) are not resources.
 */
public final class ResourceListHandler implements dev.amlite.control.arm.ResourceTypeHandler {
    private final ResourceStore store;

    public ResourceListHandler(ResourceStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ResourceId scope = request.resource();
        if (!store.exists(scope)) {
            throw ArmException.notFound(scope);
        }
        Documents.ListFilter filter = Documents.ListFilter.parse(request.queryParameter("$filter"));
        List<StoredResource> rows = scope.isResourceGroup()
                ? store.listInGroup(scope.subscriptionId(), scope.name(), filter.resourceType())
                : store.listInSubscription(scope.subscriptionId(), filter.resourceType());
        List<ObjectNode> resources = rows.stream()
                .filter(row -> isTopLevelResource(row.id()))
                .map(StoredResource::documentCopy)
                .filter(filter::matches)
                .toList();
        return ArmResponse.list(resources);
    }

    static boolean isTopLevelResource(ResourceId id) {
        String namespace = id.namespace().toLowerCase(Locale.ROOT);
        if (namespace.equals("microsoft.resources") || namespace.equals("microsoft.authorization")) {
            return false;
        }
        ResourceId parent = id.parent();
        return parent != null && parent.isResourceGroup();
    }
}
