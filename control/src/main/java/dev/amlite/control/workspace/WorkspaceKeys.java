package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.registry.ContainerRegistryHandler;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.storage.StorageAccountHandler;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * The workspace's copies of its dependent resources' keys (WS-5). {@code listKeys} answers from the copy, as
 * Azure does, so a regenerated storage key reaches the workspace only when it syncs: on the interval the
 * maintenance task runs, or at once with {@code resyncKeys}. The copy is sealed in the secret store.
 */
final class WorkspaceKeys {
    private static final String SYNCED = "synced-keys";
    private final ResourceStore store;
    private final ResourceSecrets secrets;
    private final StorageAccountHandler storageAccounts;
    private final ContainerRegistryHandler registries;
    private final Clock clock;

    WorkspaceKeys(ResourceStore store, ResourceSecrets secrets, StorageAccountHandler storageAccounts,
                  ContainerRegistryHandler registries, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.storageAccounts = requireNonNull(storageAccounts, "storageAccounts is null");
        this.registries = requireNonNull(registries, "registries is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Copies the current keys of the workspace's dependent resources. */
    ObjectNode sync(StoredResource workspace) {
        ObjectNode current = current(workspace);
        secrets.put(workspace.id(), SYNCED, Json.write(current));
        return current;
    }

    /** The workspace's copy (made now if it has none yet), in the shape of Azure's ListWorkspaceKeysResult. */
    ObjectNode listKeys(StoredResource workspace) {
        Optional<String> synced = secrets.get(workspace.id(), SYNCED);
        ObjectNode copy = synced.isPresent() ? (ObjectNode) Json.parse(synced.get()) : sync(workspace);
        ObjectNode result = copy.deepCopy();
        result.remove("syncedAt");
        return result;
    }

    /** True when the copy matches the dependent resources' current keys. */
    boolean inSync(StoredResource workspace) {
        Optional<String> synced = secrets.get(workspace.id(), SYNCED);
        if (synced.isEmpty()) {
            return false;
        }
        ObjectNode copy = (ObjectNode) Json.parse(synced.get());
        copy.remove("syncedAt");
        ObjectNode now = current(workspace);
        now.remove("syncedAt");
        return copy.equals(now);
    }

    private ObjectNode current(StoredResource workspace) {
        JsonNode properties = workspace.document().path("properties");
        ObjectNode keys = Json.object();
        String storage = properties.path("storageAccount").asText(null);
        if (storage != null) {
            ResourceId storageId = ResourceId.parse(storage);
            keys.put("userStorageResourceId", storage);
            keys.put("userStorageKey", storageAccounts.key(storageId, "key1").orElse(null));
        }
        String insights = properties.path("applicationInsights").asText(null);
        if (insights != null) {
            keys.put("appInsightsInstrumentationKey", store.get(ResourceId.parse(insights))
                    .map(c -> c.document().path("properties").path("InstrumentationKey").asText(null)).orElse(null));
        }
        String registry = properties.path("containerRegistry").asText(null);
        if (registry != null) {
            ResourceId registryId = ResourceId.parse(registry);
            Optional<String[]> credential = registries.adminCredential(registryId);
            if (credential.isPresent()) {
                ObjectNode credentials = keys.putObject("containerRegistryCredentials");
                credentials.put("location", workspace.location());
                credentials.put("username", credential.get()[0]);
                credentials.putArray("passwords").addObject().put("name", "password").put("value", credential.get()[1]);
            }
        }
        keys.put("syncedAt", clock.instant().toString());
        return keys;
    }
}
