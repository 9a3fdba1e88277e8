package dev.amlite.control.resources;

import dev.amlite.control.identity.SecretBox;
import dev.amlite.core.ResourceId;
import dev.amlite.store.SecretStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Secret values of resources, sealed with the server's master key before they are stored. Keys and passwords
 * are made here too, so that every provider draws them from the same strong random source.
 */
public final class ResourceSecrets {
    private final SecretStore store;
    private final SecretBox box;
    private final SecureRandom random;

    public ResourceSecrets(SecretStore store, SecretBox box, SecureRandom random) {
        this.store = requireNonNull(store, "store is null");
        this.box = requireNonNull(box, "box is null");
        this.random = requireNonNull(random, "random is null");
    }

    public void put(ResourceId owner, String name, String plaintext) {
        store.put(owner, name, box.seal(plaintext));
    }

    /** Stores the value unless there is one already (that one stays); whether this one was stored. */
    public boolean putIfAbsent(ResourceId owner, String name, String plaintext) {
        return store.putIfAbsent(owner, name, box.seal(plaintext));
    }

    public Optional<String> get(ResourceId owner, String name) {
        return store.get(owner, name).map(box::open);
    }

    /** The value, which must exist: a missing one means the store lost part of a resource. */
    public String require(ResourceId owner, String name) {
        return get(owner, name).orElseThrow(() -> new IllegalStateException("Secret " + name + " of " + owner.id()
                + " is missing from the store"));
    }

    public boolean delete(ResourceId owner, String name) {
        return store.delete(owner, name);
    }

    /** A new random key of {@code bytes} bytes, base64-encoded (storage account keys are 64 bytes). */
    public String newKey(int bytes) {
        byte[] key = new byte[bytes];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A new password of letters and digits only, like a registry's, that survives any shell quoting. */
    public String newPassword(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder password = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    public SecureRandom random() {
        return random;
    }
}
