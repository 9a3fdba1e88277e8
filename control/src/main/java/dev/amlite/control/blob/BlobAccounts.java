package dev.amlite.control.blob;

import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import dev.amlite.store.blob.AzureBlobStore;
import dev.amlite.store.blob.BlobStore;
import dev.amlite.store.blob.LocalBlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import static java.util.Objects.requireNonNull;

/**
 * Which blob service holds a storage account's blobs (AS-6). By default amlite itself, as files below the blob
 * root, served at the account's {@code primaryEndpoints.blob}; or, when the account was created with an external
 * blob service (a connection string to Azure or Azurite), that service, reached through the Azure SDK.
 */
public final class BlobAccounts {
    /** The sealed secret that holds an account's external connection string. */
    public static final String CONNECTION_SECRET = "blobConnectionString";
    private static final String STORAGE_TYPE_KEY = "microsoft.storage/storageaccounts";
    private final ResourceStore store;
    private final ResourceSecrets secrets;
    private final Path root;
    private final Clock clock;
    private final Map<String, AzureBlobStore> external = new ConcurrentHashMap<>();

    public BlobAccounts(ResourceStore store, ResourceSecrets secrets, Path root, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.root = requireNonNull(root, "root is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The blob service of an account that exists. */
    public BlobStore of(StoredResource account) {
        Optional<String> connection = secrets.get(account.id(), CONNECTION_SECRET);
        if (connection.isPresent()) {
            // Keyed by the connection string too, so a replaced one takes effect at once.
            return external.computeIfAbsent(account.id().key() + "\n" + connection.get(),
                    key -> AzureBlobStore.connect(connection.get(), clock));
        }
        return local(account);
    }

    public BlobStore of(ResourceId account) {
        return of(store.get(account).orElseThrow(() -> new ArmException(ErrorCode.LinkedResourceNotFound,
                "The storage account '" + account.id() + "' does not exist.")));
    }

    /** The storage account with this name; names are unique across amlite. */
    public Optional<StoredResource> account(String accountName) {
        return store.findByTypeAndName(STORAGE_TYPE_KEY, accountName.toLowerCase(Locale.ROOT)).stream().findFirst();
    }

    /** The amlite-served blobs of the account with this name, for the blob endpoint; empty for external ones. */
    public Optional<LocalBlobStore> localByName(String accountName) {
        return account(accountName).filter(account -> secrets.get(account.id(), CONNECTION_SECRET).isEmpty())
                .map(this::local);
    }

    private LocalBlobStore local(StoredResource account) {
        String endpoint = account.document().path("properties").path("primaryEndpoints").path("blob").asText("");
        if (endpoint.isEmpty()) {
            throw new ArmException(ErrorCode.UnsupportedStorageAccount, "The storage account '" + account.id().name()
                    + "' of kind " + account.document().path("kind").asText() + " has no blob service.");
        }
        ResourceId id = account.id();
        return new LocalBlobStore(id.name(), root.resolve(id.name()), endpoint,
                () -> Base64.getDecoder().decode(secrets.require(id, "key1")), clock);
    }
}
