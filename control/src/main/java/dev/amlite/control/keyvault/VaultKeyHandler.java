package dev.amlite.control.keyvault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.KeyVault/vaults/keys}: RSA keys for customer-managed encryption. PUT creates the first version
 * when the key does not exist and otherwise returns it unchanged (ARM's create-if-not-exist);
 * {@code POST …/keys/{name}/rotate} makes a new version. Private key material never leaves the server.
 */
public final class VaultKeyHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.KeyVault/vaults/keys";
    private final KeyVaults vaults;

    public VaultKeyHandler(KeyVaults vaults) {
        this.vaults = requireNonNull(vaults, "vaults is null");
    }

    @Override
    public TrackedResources tracked() {
        return vaults.tracked();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        Optional<StoredResource> existing = vaults.tracked().store().get(request.resource());
        if (existing.isPresent()) {
            return ArmResponse.ok(existing.get().documentCopy());
        }
        ObjectNode body = request.bodyObject();
        ObjectNode properties = Documents.properties(body);
        StoredResource created = vaults.createKey(request.caller(), request.resource().parent(), request.resource().name(),
                properties.path("kty").asText("RSA"), properties.path("keySize").asInt(2048),
                Documents.tags(body.get("tags")));
        return ArmResponse.created(created.documentCopy());
    }

    /** ARM has no DELETE for keys (Azure deletes them through the data plane); a CMK may depend on this one. */
    @Override
    public ArmResponse delete(ArmRequest request) {
        throw new ArmException(ErrorCode.MethodNotAllowed, "Keys cannot be deleted through ARM: a workspace's "
                + "customer-managed key may depend on '" + request.resource().name() + "'. Delete the vault instead "
                + "(it is soft-deleted and recoverable), or rotate to a new version with 'amlite keyvault key rotate'.");
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        if (!action.equalsIgnoreCase("rotate")) {
            return TrackedTypeHandler.super.action(request, action);
        }
        return ArmResponse.ok(vaults.rotateKey(request.caller(), request.resource()).documentCopy());
    }
}
