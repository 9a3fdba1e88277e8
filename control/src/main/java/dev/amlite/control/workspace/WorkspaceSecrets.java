package dev.amlite.control.workspace;

import dev.amlite.control.identity.Caller;
import dev.amlite.control.keyvault.KeyVaults;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Locale;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Secrets that belong to a workspace's contents (connection credentials, datastore credentials): kept in the
 * workspace's key vault, encrypted first with the workspace's data key when it has a customer-managed key.
 */
public final class WorkspaceSecrets {
    private final ResourceStore store;
    private final KeyVaults vaults;
    private final WorkspaceEncryption encryption;

    WorkspaceSecrets(ResourceStore store, KeyVaults vaults, WorkspaceEncryption encryption) {
        this.store = requireNonNull(store, "store is null");
        this.vaults = requireNonNull(vaults, "vaults is null");
        this.encryption = requireNonNull(encryption, "encryption is null");
    }

    public void put(Caller caller, StoredResource workspace, String name, String value) {
        vaults.setSecret(caller, keyVaultOf(workspace), name, encryption.seal(workspace, value), "application/json",
                Json.object());
    }

    public Optional<String> get(StoredResource workspace, String name) {
        return vaults.secret(keyVaultOf(workspace), name).map(stored -> encryption.open(workspace, stored));
    }

    /** Removes a secret; a workspace whose vault is already gone has nothing left to remove. */
    public void delete(ResourceId workspaceId, String name) {
        store.get(workspaceId).ifPresent(workspace -> {
            String vault = workspace.document().path("properties").path("keyVault").asText(null);
            if (vault != null && store.exists(ResourceId.parse(vault))) {
                vaults.deleteSecret(ResourceId.parse(vault), name);
            }
        });
    }

    /** The vault secret name for an item: vault names allow letters, digits and hyphens; distinct stays distinct. */
    public static String name(String kind, String itemName) {
        return kind + "-" + itemName.toLowerCase(Locale.ROOT).replace("-", "-h").replace("_", "-u");
    }

    public ResourceId keyVaultOf(StoredResource workspace) {
        String vault = workspace.document().path("properties").path("keyVault").asText(null);
        if (vault == null || !store.exists(ResourceId.parse(vault))) {
            throw new ArmException(ErrorCode.LinkedResourceNotFound, "The key vault of workspace '"
                    + workspace.id().name() + "' (" + vault + ") does not exist, so secrets cannot be stored or read. "
                    + "'amlite ml workspace diagnose' shows what is wrong.");
        }
        return ResourceId.parse(vault);
    }
}
