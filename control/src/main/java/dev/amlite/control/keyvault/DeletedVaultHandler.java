package dev.amlite.control.keyvault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceState;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import static java.util.Objects.requireNonNull;

/**
 * Soft-deleted vaults as Key Vault shows them: {@code GET …/providers/Microsoft.KeyVault/deletedVaults},
 * {@code GET …/locations/{l}/deletedVaults/{name}} and {@code POST …/purge}. Purge protection blocks the purge
 * until the scheduled purge date.
 */
public final class DeletedVaultHandler implements ResourceTypeHandler {
    private final ResourceStore store;
    private final Clock clock;

    public DeletedVaultHandler(ResourceStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        String subscription = request.resource().subscriptionId();
        return ArmResponse.list(deleted().stream()
                .filter(row -> row.id().subscriptionId().equalsIgnoreCase(subscription))
                .map(DeletedVaultHandler::present).toList());
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        return ArmResponse.ok(present(find(request.resource())));
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        if (!action.equalsIgnoreCase("purge")) {
            return ResourceTypeHandler.super.action(request, action);
        }
        StoredResource vault = find(request.resource());
        var properties = vault.document().path("properties");
        Instant scheduled = Instant.parse(properties.path("scheduledPurgeDate").asText(clock.instant().toString()));
        if (properties.path("enablePurgeProtection").asBoolean(false) && clock.instant().isBefore(scheduled)) {
            throw new ArmException(ErrorCode.Conflict, "Vault '" + vault.id().name() + "' has purge protection "
                    + "enabled and cannot be purged before its scheduled purge date " + scheduled + ". It can be "
                    + "recovered until then.");
        }
        store.deleteTree(vault.id());
        return ArmResponse.ok(null);
    }

    /** Purges vaults whose retention has ended; called by the soft-delete sweep. */
    public int purgeExpired() {
        int purged = 0;
        for (StoredResource vault : deleted()) {
            String scheduled = vault.document().path("properties").path("scheduledPurgeDate").asText(null);
            if (scheduled != null && !clock.instant().isBefore(Instant.parse(scheduled))) {
                purged += store.deleteTree(vault.id()) > 0 ? 1 : 0;
            }
        }
        return purged;
    }

    private List<StoredResource> deleted() {
        return store.listByTypeInState(VaultHandler.TYPE, ResourceState.SOFT_DELETED);
    }

    private StoredResource find(ResourceId deletedId) {
        String name = deletedId.name();
        String location = deletedId.parent().name();
        return deleted().stream()
                .filter(row -> row.id().name().equalsIgnoreCase(name)
                        && row.id().subscriptionId().equalsIgnoreCase(deletedId.subscriptionId())
                        && (row.location() == null || row.location().equalsIgnoreCase(location)))
                .findFirst()
                .orElseThrow(() -> new ArmException(ErrorCode.ResourceNotFound, "There is no deleted vault named '"
                        + name + "' in location '" + location + "'."));
    }

    static ObjectNode present(StoredResource vault) {
        ObjectNode document = Json.object();
        document.put("id", "/subscriptions/" + vault.id().subscriptionId() + "/providers/Microsoft.KeyVault/locations/"
                + vault.location() + "/deletedVaults/" + vault.id().name());
        document.put("name", vault.id().name());
        document.put("type", "Microsoft.KeyVault/deletedVaults");
        ObjectNode properties = document.putObject("properties");
        var source = vault.document().path("properties");
        properties.put("vaultId", vault.id().id());
        properties.put("location", vault.location());
        properties.set("deletionDate", source.get("deletionDate"));
        properties.set("scheduledPurgeDate", source.get("scheduledPurgeDate"));
        properties.put("purgeProtectionEnabled", source.path("enablePurgeProtection").asBoolean(false));
        properties.set("tags", vault.document().path("tags"));
        return document;
    }
}
