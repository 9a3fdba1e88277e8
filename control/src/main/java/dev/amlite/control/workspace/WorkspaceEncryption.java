package dev.amlite.control.workspace;

import dev.amlite.control.keyvault.KeyVaults;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import static java.util.Objects.requireNonNull;

/**
 * Customer-managed keys (WS-8). A workspace with a CMK gets a random data key; the data key is stored only
 * wrapped by the customer's key (RSA-OAEP-256 in the customer's vault), and the workspace's secrets (connection
 * credentials) are encrypted with it before they go to the key vault. Rotating the customer's key rewraps the
 * data key, so everything encrypted before stays readable; deleting the customer's key version makes it
 * unreadable, which is the point.
 */
final class WorkspaceEncryption {
    private static final String WRAPPED = "cmk/wrapped-data-key";
    private static final String PREFIX = "cmk1:";
    private final KeyVaults vaults;
    private final ResourceSecrets secrets;

    WorkspaceEncryption(KeyVaults vaults, ResourceSecrets secrets) {
        this.vaults = requireNonNull(vaults, "vaults is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    /** Checks the vault and key of a CMK and returns the key version it resolves to. */
    KeyVaults.KeyReference check(String vaultArmId, String keyUri) {
        if (vaultArmId == null || vaultArmId.isBlank() || keyUri == null || keyUri.isBlank()) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "A customer-managed key needs both "
                    + "customer_managed_key.key_vault (the vault's resource id) and customer_managed_key.key_uri.");
        }
        ResourceId vaultId;
        try {
            vaultId = ResourceId.parse(vaultArmId);
        } catch (ArmException e) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "customer_managed_key.key_vault '" + vaultArmId
                    + "' is not a key vault resource id.");
        }
        StoredResource vault;
        try {
            vault = vaults.vault(vaultId);
        } catch (ArmException e) {
            throw new ArmException(ErrorCode.LinkedResourceNotFound, "The key vault '" + vaultArmId + "' of the "
                    + "customer-managed key does not exist.");
        }
        if (!vault.document().path("properties").path("enablePurgeProtection").asBoolean(false)) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "The key vault '" + vaultId.name() + "' must "
                    + "have purge protection enabled to hold a customer-managed key, so that the key cannot be "
                    + "purged while data depends on it: 'amlite keyvault update -n " + vaultId.name()
                    + " --enable-purge-protection true'.");
        }
        return vaults.resolveKey(vaultId, keyUri);
    }

    /** Makes the workspace's data key and stores it wrapped by {@code key}. */
    void enable(ResourceId workspace, KeyVaults.KeyReference key) {
        byte[] dataKey = new byte[32];
        secrets.random().nextBytes(dataKey);
        secrets.put(workspace, WRAPPED, Base64.getEncoder().encodeToString(vaults.wrap(key, dataKey)));
    }

    /** Rewraps the data key from the old key version to the new one (key rotation). */
    void rotate(ResourceId workspace, KeyVaults.KeyReference from, KeyVaults.KeyReference to) {
        byte[] dataKey = dataKey(workspace, from);
        secrets.put(workspace, WRAPPED, Base64.getEncoder().encodeToString(vaults.wrap(to, dataKey)));
    }

    /** The key reference recorded in a workspace document, or null without CMK. */
    KeyVaults.KeyReference current(StoredResource workspace) {
        var encryption = workspace.document().path("properties").path("encryption");
        if (!"Enabled".equalsIgnoreCase(encryption.path("status").asText())) {
            return null;
        }
        var properties = encryption.path("keyVaultProperties");
        return vaults.resolveKey(ResourceId.parse(properties.path("keyVaultArmId").asText()),
                properties.path("keyIdentifier").asText());
    }

    String seal(StoredResource workspace, String plaintext) {
        KeyVaults.KeyReference key = current(workspace);
        if (key == null) {
            return plaintext;
        }
        try {
            byte[] nonce = new byte[12];
            secrets.random().nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey(workspace.id(), key), "AES"),
                    new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    String open(StoredResource workspace, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        KeyVaults.KeyReference key = current(workspace);
        if (key == null) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "This secret was encrypted with a "
                    + "customer-managed key the workspace no longer has.");
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey(workspace.id(), key), "AES"),
                    new GCMParameterSpec(128, all, 0, 12));
            return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "A workspace secret could not be decrypted "
                    + "with the workspace's data key.");
        }
    }

    private byte[] dataKey(ResourceId workspace, KeyVaults.KeyReference key) {
        String wrapped = secrets.get(workspace, WRAPPED).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidCustomerManagedKey, "The workspace's wrapped data key is missing."));
        return vaults.unwrap(key, Base64.getDecoder().decode(wrapped));
    }
}
