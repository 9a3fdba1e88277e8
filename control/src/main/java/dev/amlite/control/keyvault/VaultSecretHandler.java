package dev.amlite.control.keyvault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.store.StoredResource;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.KeyVault/vaults/secrets}. As in ARM, PUT takes {@code properties.value} and no read returns it;
 * the value comes back only from {@code POST …/secrets/{name}/getSecret}, an action of its own
 * ({@code Microsoft.KeyVault/vaults/secrets/getSecret/action}) that Reader does not have. amlite has no separate
 * Key Vault data-plane host, so this action stands in for {@code GET {vaultUri}secrets/{name}}.
 */
public final class VaultSecretHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.KeyVault/vaults/secrets";
    private final KeyVaults vaults;

    public VaultSecretHandler(KeyVaults vaults) {
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
        ObjectNode body = request.bodyObject();
        ObjectNode properties = Documents.properties(body);
        if (!properties.path("value").isTextual()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.value (a string) is required to set a "
                    + "secret.");
        }
        boolean existed = vaults.tracked().store().exists(request.resource());
        StoredResource saved = vaults.setSecret(request.caller(), request.resource().parent(), request.resource().name(),
                properties.path("value").asText(), properties.path("contentType").asText(null),
                Documents.tags(body.get("tags")));
        return existed ? ArmResponse.ok(saved.documentCopy()) : ArmResponse.created(saved.documentCopy());
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        return vaults.deleteSecret(request.resource().parent(), request.resource().name())
                ? ArmResponse.ok(null) : ArmResponse.noContent();
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        if (!action.equalsIgnoreCase("getSecret")) {
            return TrackedTypeHandler.super.action(request, action);
        }
        StoredResource secret = vaults.tracked().existing(request.resource());
        ObjectNode answer = Json.object();
        answer.put("value", vaults.secretValue(secret.id()));
        answer.put("id", secret.document().path("properties").path("secretUriWithVersion").asText());
        answer.set("attributes", secret.document().path("properties").path("attributes"));
        answer.set("contentType", secret.document().path("properties").path("contentType"));
        return ArmResponse.ok(answer);
    }
}
