package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.Documents;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import java.time.Clock;
import static java.util.Objects.requireNonNull;

/**
 * The extra resources a customer-managed-key workspace gets in Azure (seed 001): a service-managed resource group
 * {@code azureml-rg-<workspace>_<guid>} holding a Cosmos DB account, a Search service and a storage account,
 * managed by the workspace. amlite keeps its metadata in its own store, so these are records that show the user
 * what Azure would bill them for; they are removed with the workspace's group or its purge.
 */
final class CmkResources {
    private final ResourceStore store;
    private final Clock clock;

    CmkResources(ResourceStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    ResourceId create(ArmRequest request, String workspaceName, String guid, String location) {
        String subscription = request.resource().subscriptionId();
        ResourceId group = ResourceId.resourceGroup(subscription, "azureml-rg-" + workspaceName + "_" + guid);
        ObjectNode groupDocument = Json.object();
        groupDocument.put("location", location);
        groupDocument.put("managedBy", request.resource().id());
        groupDocument.putObject("tags");
        groupDocument.putObject("properties").put("provisioningState", "Succeeded");
        groupDocument.set("systemData", Documents.systemData(request.caller(), clock.instant(), null));
        store.insert(group, location, groupDocument);
        String compact = guid.replace("-", "");
        insert(request, group.provider("Microsoft.DocumentDB", "databaseAccounts", compact), location, "GlobalDocumentDB");
        insert(request, group.provider("Microsoft.Search", "searchServices", compact), location, null);
        insert(request, group.provider("Microsoft.Storage", "storageAccounts", compact.substring(0, 24)), location, "StorageV2");
        return group;
    }

    private void insert(ArmRequest request, ResourceId id, String location, String kind) {
        ObjectNode document = Json.object();
        document.put("location", location);
        document.putObject("tags");
        if (kind != null) {
            document.put("kind", kind);
        }
        document.putObject("properties").put("provisioningState", "Succeeded")
                .put("managedBy", request.resource().id());
        document.set("systemData", Documents.systemData(request.caller(), clock.instant(), null));
        store.insert(id, location, document);
    }
}
