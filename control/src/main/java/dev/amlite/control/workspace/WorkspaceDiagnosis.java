package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.workspace.WorkspaceDependencies.Kind;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * {@code POST …/diagnose} (WS-10): checks that the dependent resources exist and are usable, that the workspace's
 * copy of their keys is current, and that network settings agree with the private endpoints; answers Azure's
 * {@code DiagnoseResponseResult} with each finding as {code, level, message}. An empty list means no problem found.
 */
final class WorkspaceDiagnosis {
    private final ResourceStore store;

    WorkspaceDiagnosis(ResourceStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    ObjectNode diagnose(StoredResource workspace, boolean keysInSync) {
        ObjectNode result = Json.object();
        ObjectNode value = result.putObject("value");
        value.putArray("userDefinedRouteResults");
        value.putArray("networkSecurityRuleResults");
        value.putArray("resourceLockResults");
        ArrayNode dns = value.putArray("dnsResolutionResults");
        ArrayNode storage = value.putArray("storageAccountResults");
        ArrayNode vault = value.putArray("keyVaultResults");
        ArrayNode registry = value.putArray("containerRegistryResults");
        ArrayNode insights = value.putArray("applicationInsightsResults");
        ArrayNode other = value.putArray("otherResults");
        JsonNode properties = workspace.document().path("properties");

        Optional<StoredResource> account = dependent(properties, Kind.STORAGE);
        if (account.isEmpty()) {
            add(storage, "StorageAccountNotFound", "Error", "The workspace's storage account "
                    + properties.path("storageAccount").asText() + " does not exist. Runs, models and logs cannot be "
                    + "stored. Restore it, or create a new workspace.");
        } else {
            try {
                WorkspaceDependencies.checkStorage(account.get());
            } catch (ArmException e) {
                add(storage, "StorageAccountNotSupported", "Error", e.getMessage());
            }
            if (!keysInSync) {
                add(storage, "KeysOutOfSync", "Warning", "A key of a dependent resource was regenerated and the "
                        + "workspace still uses the old one. Run 'amlite ml workspace sync-keys -n "
                        + workspace.id().name() + " -g " + workspace.id().resourceGroup() + "' (it also happens on its "
                        + "own within the key sync interval).");
            }
        }
        Optional<StoredResource> keyVault = dependent(properties, Kind.KEY_VAULT);
        if (keyVault.isEmpty()) {
            add(vault, "KeyVaultNotFound", "Error", "The workspace's key vault " + properties.path("keyVault").asText()
                    + " does not exist (or is soft-deleted). Connection secrets cannot be read. Recover it with "
                    + "'amlite keyvault recover --name " + ResourceId.parse(properties.path("keyVault").asText()).name() + "'.");
        }
        if (dependent(properties, Kind.INSIGHTS).isEmpty() && properties.hasNonNull("applicationInsights")) {
            add(insights, "ApplicationInsightsNotFound", "Warning", "The workspace's Application Insights "
                    + properties.path("applicationInsights").asText() + " does not exist; endpoint monitoring is off. "
                    + "Attach another with 'amlite ml workspace update --application-insights <id>'.");
        }
        if (!properties.hasNonNull("containerRegistry")) {
            add(registry, "ContainerRegistryNotCreated", "Information", "No container registry yet: one is created "
                    + "the first time an image is built.");
        } else {
            Optional<StoredResource> acr = dependent(properties, Kind.REGISTRY);
            if (acr.isEmpty()) {
                add(registry, "ContainerRegistryNotFound", "Error", "The workspace's container registry "
                        + properties.path("containerRegistry").asText() + " does not exist; images cannot be built.");
            } else if (!acr.get().document().path("properties").path("adminUserEnabled").asBoolean()) {
                add(registry, "ContainerRegistryAdminUserDisabled", "Error", "The container registry's admin user is "
                        + "disabled; enable it with 'amlite acr update -n " + acr.get().id().name() + " --admin-enabled true'.");
            }
        }
        int approved = 0;
        int pending = 0;
        for (StoredResource connection : store.listChildren(workspace.id(), WorkspaceHandler.PE_CONNECTION_TYPE)) {
            JsonNode state = connection.document().path("properties").path("privateLinkServiceConnectionState");
            String status = state.path("status").asText();
            if (status.equals("Approved")) {
                approved++;
                ResourceId endpoint = ResourceId.parse(connection.document().path("properties").path("privateEndpoint").path("id").asText());
                if (store.listChildren(endpoint, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups").isEmpty()) {
                    add(dns, "PrivateDnsZoneGroupMissing", "Warning", "Private endpoint " + endpoint.name() + " has no "
                            + "DNS zone group, so the workspace's names do not resolve to its private address. Add "
                            + "privatelink.api.azureml.ms and privatelink.notebooks.azure.net with 'amlite network "
                            + "private-endpoint dns-zone-group create'.");
                }
            } else if (status.equals("Pending")) {
                pending++;
            }
        }
        if (pending > 0) {
            add(other, "PrivateEndpointConnectionPending", "Information", pending + " private endpoint connection(s) "
                    + "await approval: 'amlite network private-endpoint-connection approve --id <connection id>'.");
        }
        if ("Disabled".equals(properties.path("publicNetworkAccess").asText()) && approved == 0) {
            add(other, "WorkspaceUnreachable", "Error", "Public network access is disabled and no private endpoint "
                    + "connection is approved, so the workspace's contents cannot be reached from anywhere. Approve a "
                    + "private endpoint or enable public network access.");
        }
        return result;
    }

    private Optional<StoredResource> dependent(JsonNode properties, Kind kind) {
        String value = properties.path(kind.property).asText(null);
        if (value == null || value.isBlank() || value.equals("null")) {
            return Optional.empty();
        }
        return store.get(ResourceId.parse(value));
    }

    private static void add(ArrayNode results, String code, String level, String message) {
        results.addObject().put("code", code).put("level", level).put("message", message);
    }
}
