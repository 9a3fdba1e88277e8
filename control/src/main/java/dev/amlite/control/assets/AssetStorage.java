package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.control.blob.BlobAccounts;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import dev.amlite.store.blob.BlobStore;
import java.time.Duration;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Where an asset's files are: a datastore path resolved to the blob container of an amlite storage account, so
 * that a version is registered only when its files are there, and signed URLs can be handed out to read or write
 * them. Datastores on accounts amlite does not hold are taken on trust (there is nothing here to check).
 */
final class AssetStorage {
    static final String DATASTORE_TYPE = AssetKind.WORKSPACE_TYPE + "/datastores";
    private final ResourceStore store;
    private final BlobAccounts blobs;

    AssetStorage(ResourceStore store, BlobAccounts blobs) {
        this.store = requireNonNull(store, "store is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
    }

    /** A blob prefix in a container of an account amlite holds. */
    record Location(StoredResource datastore, StoredResource account, String container, String path) {
    }

    BlobAccounts blobs() {
        return blobs;
    }

    /** The datastore a URI names, which must exist; empty for URLs that are not datastore paths. */
    Optional<StoredResource> datastoreOf(ResourceId workspace, String uri) {
        return AssetUri.parse(uri, workspace).map(parsed -> datastore(workspace, parsed.datastore()));
    }

    StoredResource datastore(ResourceId workspace, String name) {
        return store.get(workspace.child("datastores", name)).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidResourceReference, "Datastore '" + name + "' does not exist in workspace '"
                + workspace.name() + "'. 'amlite ml datastore list -w " + workspace.name() + "' shows the datastores."));
    }

    /** The blobs a URI points at, when they are on an amlite blob account (datastore path or its https URL). */
    Optional<Location> locate(ResourceId workspace, String uri) {
        Optional<AssetUri> parsed = AssetUri.parse(uri, workspace);
        if (parsed.isPresent()) {
            StoredResource datastore = datastore(workspace, parsed.get().datastore());
            return blobAccount(datastore).map(account -> new Location(datastore, account,
                    datastore.document().path("properties").path("containerName").asText(), parsed.get().path()));
        }
        // The URL may name amlite at another address than the account's document does (a restart on another port):
        // an account amlite serves itself is matched at the URL's own address.
        String origin = uri.substring(0, uri.length() - ServedUrls.served(uri).length());
        for (StoredResource datastore : store.listChildren(workspace, DATASTORE_TYPE)) {
            Optional<StoredResource> account = blobAccount(datastore);
            if (account.isEmpty()) {
                continue;
            }
            String container = datastore.document().path("properties").path("containerName").asText();
            BlobStore served = origin.isEmpty() ? blobs.of(account.get()) : blobs.of(account.get(), origin);
            String base = served.endpoint() + "/" + container + "/";
            if (uri.startsWith(base)) {
                return Optional.of(new Location(datastore, account.get(), container, stripQuery(uri.substring(base.length()))));
            }
        }
        return Optional.empty();
    }

    /**
     * Refuses to register a version whose files are not (yet) in the store: the guard against half-registered
     * assets when an upload was cut off.
     */
    void requireFiles(ResourceId workspace, String uri, String what) {
        Optional<Location> location = locate(workspace, uri);
        if (location.isEmpty()) {
            return;
        }
        Location l = location.get();
        String prefix = l.path();
        if (!blobs.of(l.account()).anyAt(l.container(), prefix)) {
            throw new ArmException(ErrorCode.UploadIncomplete, "No files are at '" + uri + "' (container '"
                    + l.container() + "' of storage account '" + l.account().id().name() + "'), so the " + what
                    + " cannot be registered. Upload the files first — 'amlite ml ... create --path <local folder>' "
                    + "uploads and registers in one step — or check the path.");
        }
    }

    /** The workspace's default datastore, which uploads go to. */
    StoredResource defaultDatastore(ResourceId workspace) {
        return store.listChildren(workspace, DATASTORE_TYPE).stream()
                .filter(d -> d.document().path("properties").path("isDefault").asBoolean(false))
                .findFirst().orElseThrow(() -> new ArmException(ErrorCode.LinkedResourceNotFound, "Workspace '"
                        + workspace.name() + "' has no default datastore. Set one with 'amlite ml datastore update "
                        + "-n <name> --set is_default=true'."));
    }

    /** The amlite storage account behind a blob datastore; empty for other types and accounts held elsewhere. */
    Optional<StoredResource> blobAccount(StoredResource datastore) {
        JsonNode properties = datastore.document().path("properties");
        if (!"AzureBlob".equals(properties.path("datastoreType").asText())) {
            return Optional.empty();
        }
        return account(properties.path("accountName").asText(""));
    }

    Optional<StoredResource> account(String name) {
        return blobs.account(name);
    }

    /** A signed URL for the blobs at {@code location}, reaching amlite at {@code baseUrl} when amlite holds them. */
    String signedUrl(Location location, String permissions, Duration validity, String baseUrl) {
        BlobStore store = blobs.of(location.account(), baseUrl);
        return store.signedUrl(location.container(), trimSlash(location.path()), permissions, validity);
    }

    static String trimSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String stripQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
