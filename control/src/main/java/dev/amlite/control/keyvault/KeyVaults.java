package dev.amlite.control.keyvault;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import static java.util.Objects.requireNonNull;

/**
 * What other providers use of a key vault: secrets by name (the workspace keeps connection credentials there)
 * and RSA keys that wrap and unwrap data keys (customer-managed keys). Secret values and private keys are
 * sealed with the master key in the secret store; documents carry only metadata.
 */
public final class KeyVaults {
    private static final Pattern OBJECT_NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    private static final Pattern KEY_URI = Pattern.compile("(?i)^https?://([^/]+)(/keyvault/([^/]+))?/keys/([^/]+)(?:/([^/?#]+))?/?$");
    private static final String VALUE = "value";
    private final TrackedResources tracked;
    private final ResourceSecrets secrets;

    public KeyVaults(TrackedResources tracked, ResourceSecrets secrets) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    TrackedResources tracked() {
        return tracked;
    }

    public StoredResource vault(ResourceId vaultId) {
        return tracked.store().get(vaultId).orElseThrow(() -> new ArmException(ErrorCode.ResourceNotFound,
                "The key vault '" + vaultId.id() + "' was not found."));
    }

    public StoredResource setSecret(Caller caller, ResourceId vaultId, String name, String value, String contentType,
                                    ObjectNode tags) {
        checkObjectName(name, "secret");
        StoredResource vault = vault(vaultId);
        ResourceId id = vaultId.child("secrets", name);
        Optional<StoredResource> current = tracked.store().get(id);
        String version = newVersion();
        long now = tracked.clock().instant().getEpochSecond();
        ObjectNode document = Json.object();
        document.set("tags", tags);
        ObjectNode properties = document.putObject("properties");
        if (contentType != null) {
            properties.put("contentType", contentType);
        }
        long created = current.map(c -> c.document().path("properties").path("attributes").path("created").asLong(now))
                .orElse(now);
        properties.putObject("attributes").put("enabled", true).put("created", created).put("updated", now);
        String uri = vault.document().path("properties").path("vaultUri").asText() + "secrets/" + name;
        properties.put("secretUri", uri);
        properties.put("secretUriWithVersion", uri + "/" + version);
        secrets.put(id, VALUE, value);
        return tracked.write(caller, new TrackedResources.Placement(id, VaultSecretHandler.TYPE, vault.location(), tags,
                vault, current), document);
    }

    public Optional<String> secret(ResourceId vaultId, String name) {
        ResourceId id = vaultId.child("secrets", name);
        return tracked.store().exists(id) ? secrets.get(id, VALUE) : Optional.empty();
    }

    String secretValue(ResourceId secretId) {
        return secrets.require(secretId, VALUE);
    }

    public boolean deleteSecret(ResourceId vaultId, String name) {
        return tracked.store().deleteTree(vaultId.child("secrets", name)) > 0;
    }

    StoredResource createKey(Caller caller, ResourceId vaultId, String name, String kty, int size, ObjectNode tags) {
        checkObjectName(name, "key");
        if (!kty.equalsIgnoreCase("RSA") && !kty.equalsIgnoreCase("RSA-HSM")) {
            throw new ArmException(ErrorCode.InvalidParameter, "kty '" + kty + "' is not supported; amlite vaults "
                    + "make RSA and RSA-HSM keys.");
        }
        if (size != 2048 && size != 3072 && size != 4096) {
            throw new ArmException(ErrorCode.InvalidParameter, "keySize must be 2048, 3072 or 4096; " + size
                    + " was given.");
        }
        StoredResource vault = vault(vaultId);
        ResourceId id = vaultId.child("keys", name);
        ObjectNode document = Json.object();
        document.set("tags", tags);
        ObjectNode properties = document.putObject("properties");
        properties.put("kty", kty.toUpperCase());
        properties.put("keySize", size);
        properties.putArray("keyOps").add("wrapKey").add("unwrapKey").add("encrypt").add("decrypt");
        long now = tracked.clock().instant().getEpochSecond();
        properties.putObject("attributes").put("enabled", true).put("created", now).put("updated", now);
        properties.put("keyUri", vault.document().path("properties").path("vaultUri").asText() + "keys/" + name);
        properties.putArray("versions");
        addVersion(id, properties, size);
        return tracked.write(caller, new TrackedResources.Placement(id, VaultKeyHandler.TYPE, vault.location(), tags,
                vault, Optional.empty()), document);
    }

    StoredResource rotateKey(Caller caller, ResourceId keyId) {
        StoredResource key = tracked.existing(keyId);
        ObjectNode document = key.documentCopy();
        ObjectNode properties = (ObjectNode) document.path("properties");
        addVersion(keyId, properties, properties.path("keySize").asInt(2048));
        ((ObjectNode) properties.path("attributes")).put("updated", tracked.clock().instant().getEpochSecond());
        return tracked.update(caller, key, document);
    }

    private void addVersion(ResourceId keyId, ObjectNode properties, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(size, secrets.random());
            KeyPair pair = generator.generateKeyPair();
            String version = newVersion();
            secrets.put(keyId, "version/" + version, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            String uri = properties.path("keyUri").asText() + "/" + version;
            properties.put("keyUriWithVersion", uri);
            ((ArrayNode) properties.path("versions")).add(version);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    /** A key named by a key URI, resolved against the vault it must live in. */
    public record KeyReference(ResourceId keyId, String version, String keyUriWithVersion) {
    }

    /**
     * Resolves a key URI ({@code {vaultUri}keys/{name}[/{version}]}, amlite's form, or Azure's
     * {@code https://{vault}.vault.azure.net/keys/…}) that must belong to {@code vaultId}. Without a version the
     * current one is used.
     */
    public KeyReference resolveKey(ResourceId vaultId, String keyUri) {
        Matcher matcher = KEY_URI.matcher(keyUri == null ? "" : keyUri.trim());
        if (!matcher.matches()) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "The key URI '" + keyUri + "' is not a key "
                    + "URI. It looks like " + "<vaultUri>keys/<key-name>/<key-version>; 'amlite keyvault key show' "
                    + "prints it as keyUriWithVersion.");
        }
        String vaultName = matcher.group(3) != null ? matcher.group(3) : matcher.group(1).split("\\.")[0];
        if (!vaultName.equalsIgnoreCase(vaultId.name())) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "The key URI '" + keyUri + "' names vault '"
                    + vaultName + "', but the key vault given is '" + vaultId.name() + "'.");
        }
        ResourceId keyId = vaultId.child("keys", matcher.group(4));
        StoredResource key = tracked.store().get(keyId).orElseThrow(() -> new ArmException(ErrorCode.KeyNotFound,
                "The key '" + matcher.group(4) + "' does not exist in vault '" + vaultId.name() + "'. Create it with "
                + "'amlite keyvault key create --vault-name " + vaultId.name() + " --name " + matcher.group(4) + "'."));
        String version = matcher.group(5);
        ArrayNode versions = (ArrayNode) key.document().path("properties").path("versions");
        if (version == null) {
            version = versions.get(versions.size() - 1).asText();
        } else {
            String wanted = version;
            boolean known = false;
            for (var v : versions) {
                known |= v.asText().equalsIgnoreCase(wanted);
            }
            if (!known) {
                throw new ArmException(ErrorCode.KeyNotFound, "Key '" + keyId.name() + "' has no version '" + version
                        + "'.");
            }
        }
        return new KeyReference(keyId, version, key.document().path("properties").path("keyUri").asText() + "/" + version);
    }

    /** RSA-OAEP-256 wrap of a data key with the public half of a key version. */
    public byte[] wrap(KeyReference key, byte[] dataKey) {
        try {
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) privateKey(key);
            PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.ENCRYPT_MODE, publicKey, oaep());
            return cipher.doFinal(dataKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Wrapping with " + key.keyUriWithVersion() + " failed", e);
        }
    }

    public byte[] unwrap(KeyReference key, byte[] wrapped) {
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.DECRYPT_MODE, privateKey(key), oaep());
            return cipher.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            throw new ArmException(ErrorCode.InvalidCustomerManagedKey, "The data of this workspace could not be "
                    + "unwrapped with key " + key.keyUriWithVersion() + ": " + e.getMessage());
        }
    }

    private PrivateKey privateKey(KeyReference key) throws GeneralSecurityException {
        String encoded = secrets.get(key.keyId(), "version/" + key.version()).orElseThrow(() -> new ArmException(
                ErrorCode.KeyNotFound, "Key version " + key.keyUriWithVersion() + " is no longer available."));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(encoded)));
    }

    private static OAEPParameterSpec oaep() {
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    }

    private String newVersion() {
        byte[] bytes = new byte[16];
        secrets.random().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void checkObjectName(String name, String what) {
        if (!OBJECT_NAME.matcher(name).matches()) {
            throw new ArmException(ErrorCode.InvalidParameter, "The " + what + " name '" + name + "' is invalid: use "
                    + "1 to 127 ASCII letters, digits and hyphens." + dev.amlite.core.Names.nonAsciiHint(name));
        }
    }
}
