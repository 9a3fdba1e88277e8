package dev.amlite.control.blob;

import dev.amlite.control.FileTrees;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.Settings;
import dev.amlite.store.StoredResource;
import dev.amlite.store.blob.AzureBlobStore;
import dev.amlite.store.blob.BlobStore;
import dev.amlite.store.blob.LocalBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final String FOLDER_MARK = "@";
    private static final String LAYOUT_SETTING = "blobFolderLayout";
    private static final Logger LOG = LoggerFactory.getLogger(BlobAccounts.class);
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

    /** The blob service of an account that exists, at the address its document was made with. */
    public BlobStore of(StoredResource account) {
        return service(account, null);
    }

    /**
     * The blob service of an account that exists, as a client that reached amlite at {@code baseUrl} sees it: an
     * amlite-held account's signed URLs and endpoint take that address instead of the one its document was made
     * with (see {@link ServedUrls}).
     */
    public BlobStore of(StoredResource account, String baseUrl) {
        return service(account, requireNonNull(baseUrl, "baseUrl is null"));
    }

    private BlobStore service(StoredResource account, String baseUrl) {
        Optional<String> connection = secrets.get(account.id(), CONNECTION_SECRET);
        if (connection.isPresent()) {
            // Keyed by the connection string too, so a replaced one takes effect at once.
            return external.computeIfAbsent(account.id().key() + "\n" + connection.get(),
                    key -> AzureBlobStore.connect(connection.get(), clock));
        }
        return local(account, baseUrl);
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
        return account(accountName).filter(this::held).map(account -> local(account, null));
    }

    /**
     * The folder below the blob root that holds an amlite-held account's blobs: its name and the millisecond it was
     * created ({@code properties.creationTime}, set once when the account is made and kept by every update). An
     * account made later under a deleted one's name gets a folder of its own and starts empty, as on Azure,
     * whatever became of the old folder. An account without a creation time (none is made so) keeps the folder
     * named by its name alone.
     */
    static String folderName(StoredResource account) {
        String name = account.id().name().toLowerCase(Locale.ROOT);
        String created = account.document().path("properties").path("creationTime").asText("");
        if (created.isEmpty()) {
            return name;
        }
        return name + FOLDER_MARK + Instant.parse(created).toEpochMilli();
    }

    /**
     * Once per data directory: blobs written before folders were named by {@link #folderName} (one folder per account
     * name) go to the folder of the account that has the name now. A folder whose account is gone is left for
     * {@link #removeOrphanFolders()}.
     */
    public void adoptFoldersNamedByAccount(Settings settings) {
        if (settings.get(LAYOUT_SETTING).isPresent()) {
            return;
        }
        int adopted = 0;
        for (Path folder : folders()) {
            String name = folder.getFileName().toString();
            if (name.contains(FOLDER_MARK)) {
                continue;
            }
            Optional<StoredResource> account = account(name).filter(this::held);
            if (account.isPresent() && !folderName(account.get()).equals(name)) {
                Path target = root.resolve(folderName(account.get()));
                try {
                    if (!Files.exists(target)) {
                        Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
                        adopted++;
                    }
                } catch (NoSuchFileException e) {
                    // another server on the same directory moved it first
                } catch (IOException e) {
                    throw new UncheckedIOException("Moving the blobs of storage account '" + name + "' from " + folder
                            + " to " + target + " failed", e);
                }
            }
        }
        settings.put(LAYOUT_SETTING, "account-and-creation-time");
        if (adopted > 0) {
            LOG.info("Blob folders of {} storage account(s) renamed to <account>{}<created-millis>", adopted, FOLDER_MARK);
        }
    }

    /**
     * Deletes the blob folders of accounts that no longer exist (deleted by themselves or with their group), and
     * returns how many. The folders are listed before the accounts are looked up: a folder appears only once its
     * account's row exists, so a new account's folder is never taken for a gone one.
     */
    public int removeOrphanFolders() {
        int removed = 0;
        for (Path folder : folders()) {
            String name = folder.getFileName().toString();
            int mark = name.indexOf(FOLDER_MARK);
            String accountName = mark < 0 ? name : name.substring(0, mark);
            // An account that exists keeps its folder even when its blobs now live elsewhere (an external service),
            // and so does a folder named by an existing account's name alone (one the first start of this version
            // could not rename): only the folders of accounts that are gone, or were made again, are deleted.
            boolean live = account(accountName).map(account -> mark < 0 || folderName(account).equals(name))
                    .orElse(false);
            if (!live) {
                deleteTree(folder);
                removed++;
            }
        }
        return removed;
    }

    private boolean held(StoredResource account) {
        return secrets.get(account.id(), CONNECTION_SECRET).isEmpty();
    }

    private List<Path> folders() {
        try {
            return FileTrees.folders(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Listing " + root + " failed", e);
        }
    }

    private static void deleteTree(Path folder) {
        try {
            FileTrees.delete(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Deleting " + folder + " failed", e);
        }
    }

    /** The amlite-held blobs of {@code account}, at its stored endpoint or, given a base URL, rebased onto it. */
    private LocalBlobStore local(StoredResource account, String baseUrl) {
        String endpoint = account.document().path("properties").path("primaryEndpoints").path("blob").asText("");
        if (endpoint.isEmpty()) {
            throw new ArmException(ErrorCode.UnsupportedStorageAccount, "The storage account '" + account.id().name()
                    + "' of kind " + account.document().path("kind").asText() + " has no blob service.");
        }
        ResourceId id = account.id();
        return new LocalBlobStore(id.name(), root.resolve(folderName(account)),
                baseUrl == null ? endpoint : ServedUrls.rebase(endpoint, baseUrl),
                () -> Base64.getDecoder().decode(secrets.require(id, "key1")), clock);
    }
}
