package dev.amlite.control.keyvault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceState;
import dev.amlite.store.StoredResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.KeyVault/vaults}: globally unique names, soft delete with a retention period (a deleted vault
 * keeps its name and its secrets and keys until recovered with {@code createMode: recover} or purged), purge
 * protection. Secrets and keys are child resources ({@link VaultSecretHandler}, {@link VaultKeyHandler}).
 */
public final class VaultHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.KeyVault/vaults";
    private static final Pattern NAME = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]");

    private final TrackedResources tracked;

    public VaultHandler(TrackedResources tracked) {
        this.tracked = requireNonNull(tracked, "tracked is null");
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        checkName(id.name());
        ObjectNode body = request.bodyObject();
        ObjectNode requested = Documents.properties(body);
        if ("recover".equalsIgnoreCase(requested.path("createMode").asText())) {
            return recover(request, id);
        }
        TrackedResources.Placement placement = tracked.place(request, id, body);
        Optional<StoredResource> other = tracked.otherHolderOfName(id);
        if (other.isPresent()) {
            throw taken(id, other.get());
        }
        if (placement.current().isEmpty() && tracked.store().getSoftDeleted(id).isPresent()) {
            throw deletedNamesake(id);
        }
        int retention = requested.path("softDeleteRetentionInDays").asInt(90);
        if (retention < 7 || retention > 90) {
            throw new ArmException(ErrorCode.InvalidParameter, "softDeleteRetentionInDays must be between 7 and 90; "
                    + retention + " was given.");
        }
        boolean purgeProtection = requested.path("enablePurgeProtection").asBoolean(false);
        if (placement.current().isPresent()) {
            JsonNode previous = placement.current().get().document().path("properties");
            if (previous.path("enablePurgeProtection").asBoolean(false) && !purgeProtection
                    && requested.has("enablePurgeProtection")) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Purge protection cannot be turned off "
                        + "once it is enabled on a vault.");
            }
            purgeProtection = purgeProtection || previous.path("enablePurgeProtection").asBoolean(false);
        }
        if (requested.has("enableSoftDelete") && !requested.path("enableSoftDelete").asBoolean()) {
            throw new ArmException(ErrorCode.InvalidParameter, "Soft delete cannot be turned off: every vault keeps "
                    + "deleted contents for its retention period (7 to 90 days).");
        }
        String skuName = body.path("properties").path("sku").path("name").asText("standard");
        if (!skuName.equalsIgnoreCase("standard") && !skuName.equalsIgnoreCase("premium")) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.sku.name must be 'standard' or 'premium'; '"
                    + skuName + "' was given.");
        }
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        ObjectNode properties = document.putObject("properties");
        properties.putObject("sku").put("family", "A").put("name", skuName.toLowerCase());
        properties.put("tenantId", requested.path("tenantId").asText(request.caller().tenantId()));
        properties.set("accessPolicies", requested.has("accessPolicies") ? requested.get("accessPolicies") : Json.MAPPER.createArrayNode());
        properties.put("enabledForDeployment", requested.path("enabledForDeployment").asBoolean(false));
        properties.put("enableRbacAuthorization", requested.path("enableRbacAuthorization").asBoolean(true));
        properties.put("enableSoftDelete", true);
        properties.put("softDeleteRetentionInDays", retention);
        if (purgeProtection) {
            properties.put("enablePurgeProtection", true);
        }
        properties.put("publicNetworkAccess", requested.path("publicNetworkAccess").asText("Enabled"));
        properties.put("vaultUri", vaultUri(request.baseUrl(), id.name()));
        properties.put("provisioningState", "Succeeded");
        return tracked.save(request.caller(), placement, document, this::present);
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = tracked.changing(request);
        ObjectNode body = request.bodyObject();
        ObjectNode document = current.documentCopy();
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        JsonNode properties = body.path("properties");
        if (properties.has("enablePurgeProtection")) {
            if (!properties.path("enablePurgeProtection").asBoolean()
                    && document.path("properties").path("enablePurgeProtection").asBoolean(false)) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Purge protection cannot be turned off "
                        + "once it is enabled on a vault.");
            }
            ((ObjectNode) document.path("properties")).put("enablePurgeProtection",
                    properties.path("enablePurgeProtection").asBoolean());
        }
        if (properties.has("publicNetworkAccess")) {
            ((ObjectNode) document.path("properties")).set("publicNetworkAccess", properties.get("publicNetworkAccess"));
        }
        return ArmResponse.ok(present(tracked.update(request.caller(), current, document)));
    }

    /** Soft delete: the vault and its contents are hidden and kept for the retention period. */
    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> vault = tracked.deleting(request);
        if (vault.isEmpty()) {
            return ArmResponse.noContent();
        }
        softDelete(vault.get());
        return ArmResponse.ok(null);
    }

    private void softDelete(StoredResource vault) {
        ObjectNode document = vault.documentCopy();
        Instant now = tracked.clock().instant();
        int retention = document.path("properties").path("softDeleteRetentionInDays").asInt(90);
        ObjectNode properties = (ObjectNode) document.path("properties");
        properties.put("deletionDate", now.toString());
        properties.put("scheduledPurgeDate", now.plus(Duration.ofDays(retention)).toString());
        StoredResource marked = tracked.store().replace(vault, vault.location(), document);
        tracked.store().setTreeState(marked.id(), ResourceState.ACTIVE, ResourceState.SOFT_DELETED);
    }

    private ArmResponse recover(ArmRequest request, ResourceId id) {
        StoredResource deleted = tracked.store().getSoftDeleted(id).orElseThrow(() -> new ArmException(
                ErrorCode.ResourceNotFound, "There is no deleted vault named '" + id.name() + "' in resource group '"
                + id.resourceGroup() + "' to recover. List deleted vaults with 'amlite keyvault list-deleted'."));
        tracked.requireParent(id);
        tracked.store().setTreeState(id, ResourceState.SOFT_DELETED, ResourceState.ACTIVE);
        StoredResource restored = tracked.existing(id);
        ObjectNode document = restored.documentCopy();
        ((ObjectNode) document.path("properties")).remove(List.of("deletionDate", "scheduledPurgeDate"));
        return ArmResponse.ok(present(tracked.update(request.caller(), restored, document)));
    }

    static String vaultUri(String baseUrl, String name) {
        return baseUrl + "/keyvault/" + name.toLowerCase() + "/";
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ArmException(ErrorCode.VaultNameNotValid, "The vault name '" + name + "' is invalid. A vault's "
                    + "name must be between 3-24 alphanumeric characters. The name must begin with a letter, end "
                    + "with a letter or digit, and not contain consecutive hyphens." + Names.nonAsciiHint(name));
        }
    }

    private static ArmException taken(ResourceId id, StoredResource other) {
        if (other.state() == ResourceState.SOFT_DELETED) {
            return new ArmException(ErrorCode.VaultAlreadyExists, "A vault named '" + id.name() + "' exists in a "
                    + "deleted but recoverable state in resource group '" + other.id().resourceGroup() + "'. "
                    + "Recover it ('amlite keyvault recover --name " + id.name() + "') or purge it "
                    + "('amlite keyvault purge --name " + id.name() + "') before reusing the name.");
        }
        return new ArmException(ErrorCode.VaultAlreadyExists, "The vault name '" + id.name() + "' is already in use. "
                + "Vault names are globally unique so it is possible that the name is already taken.");
    }

    private static ArmException deletedNamesake(ResourceId id) {
        return new ArmException(ErrorCode.VaultAlreadyExists, "A vault named '" + id.name() + "' was deleted and is "
                + "kept for its retention period. Recover it with 'amlite keyvault recover --name " + id.name()
                + "' or purge it with 'amlite keyvault purge --name " + id.name() + "' first.");
    }
}
