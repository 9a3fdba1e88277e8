package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.blob.BlobAccounts;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.Workspaces;
import dev.amlite.store.ResourceState;
import dev.amlite.store.StoredResource;
import dev.amlite.store.blob.BlobItem;
import dev.amlite.store.blob.BlobStore;
import dev.amlite.store.blob.LocalBlobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assets feature composed (AS-1 … AS-6): datastores, and containers and versions of models, environments,
 * code and data, all behind the workspace's network gate; the system datastores made with each workspace; and
 * the sweep that removes files of uploads no version took up once the pending-upload TTL has passed.
 */
public final class Assets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Assets.class);
    private static final Pattern UPLOAD = Pattern.compile(AssetVersionHandler.UPLOAD_FOLDER + "/([A-Za-z0-9-]+)");
    private final TrackedResources tracked;
    private final AssetStorage storage;
    private final Duration pendingUploadTtl;
    private final ScheduledExecutorService sweeper;
    private final DatastoreHandler datastores;
    private final Map<AssetKind, AssetContainerHandler> containers = new HashMap<>();
    private final Map<AssetKind, AssetVersionHandler> versions = new HashMap<>();
    private final AssetUses uses = new AssetUses();

    public Assets(TrackedResources tracked, Workspaces workspaces, BlobAccounts blobs, Duration pendingUploadTtl) {
        this.tracked = tracked;
        this.storage = new AssetStorage(tracked.store(), blobs);
        this.pendingUploadTtl = pendingUploadTtl;
        this.datastores = new DatastoreHandler(tracked, workspaces.secrets(), workspaces.storageAccounts(), storage);
        for (AssetKind kind : AssetKind.values()) {
            AssetContainerHandler container = new AssetContainerHandler(tracked, kind, uses);
            containers.put(kind, container);
            versions.put(kind, new AssetVersionHandler(tracked, kind, container, storage, uses));
        }
        workspaces.addListener(datastores::systemDatastores);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("pending-upload-sweep").factory());
    }

    /** Has {@code user} asked before an asset version is deleted, so that what it uses is not (see {@link AssetUses}). */
    public void addUser(AssetUses.User user) {
        uses.add(user);
    }

    public void register(HandlerRegistry.Builder registry, Workspaces workspaces) {
        registry.register(DatastoreHandler.TYPE, workspaces.guard(datastores));
        for (AssetKind kind : AssetKind.values()) {
            registry.register(kind.containerType(), workspaces.guard(containers.get(kind)));
            registry.register(kind.versionType(), workspaces.guard(versions.get(kind)));
        }
    }

    /**
     * Copies the files of a model, code or data version to the local folder {@code target} (serving lays out a
     * deployment's files this way). With {@code keepTop}, a folder arrives as {@code target/<folder name>/…} — where
     * Azure puts a model below AZUREML_MODEL_DIR; without, its contents go straight into {@code target}. Returns
     * the number of files copied.
     */
    public int copyFiles(dev.amlite.core.ResourceId version, java.nio.file.Path target, boolean keepTop) {
        StoredResource row = tracked.existing(version);
        AssetKind kind = java.util.Arrays.stream(AssetKind.values())
                .filter(k -> k.versionType().equalsIgnoreCase(version.type())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(version.id() + " is not an asset version"));
        String uri = kind.filesUri(row.document().path("properties"));
        dev.amlite.core.ResourceId workspace = version.parent().parent();
        if (uri == null) {
            throw new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.InvalidParameter, kind.label() + " '"
                    + version.parent().name() + "' version '" + version.name() + "' has no files.");
        }
        AssetStorage.Location location = storage.locate(workspace, uri).orElseThrow(() ->
                new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.UnsupportedStorageAccount, "The files of "
                        + kind.label().toLowerCase(java.util.Locale.ROOT) + " '" + version.parent().name() + "' are at '"
                        + uri + "', which is not on a blob account amlite holds; amlite cannot fetch them."));
        int copied = copy(location, target, keepTop);
        if (copied == 0) {
            throw new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.UploadIncomplete, "No files are at '"
                    + uri + "' for " + kind.label().toLowerCase(java.util.Locale.ROOT) + " '" + version.parent().name()
                    + "' version '" + version.name() + "'.");
        }
        return copied;
    }

    /**
     * The files at a datastore URI ({@code azureml://datastores/<name>/paths/<path>}, or a data asset's path)
     * copied below {@code target}: a file as {@code target/<file name>}, a folder's contents into {@code target}.
     * Returns how many files came; refuses a URI not on a blob account amlite holds.
     */
    public int download(dev.amlite.core.ResourceId workspace, String uri, java.nio.file.Path target) {
        AssetStorage.Location location = storage.locate(workspace, uri).orElseThrow(() ->
                new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.UnsupportedStorageAccount, "'" + uri
                        + "' is not on a blob datastore amlite holds; amlite cannot fetch it."));
        return copy(location, target, false);
    }

    /** {@code azureml://datastores/<default>/paths/<path>} of the workspace's default datastore. */
    public String defaultDatastoreUri(dev.amlite.core.ResourceId workspace, String path) {
        return "azureml://datastores/" + storage.defaultDatastore(workspace).id().name() + "/paths/" + path;
    }

    /** The datastore path of a data asset version (what a job's input names by azureml:name:version). */
    public String dataUri(dev.amlite.core.ResourceId version) {
        StoredResource row = tracked.existing(version);
        String uri = AssetKind.DATA.filesUri(row.document().path("properties"));
        if (uri == null) {
            throw new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.InvalidParameter, "Data '"
                    + version.parent().name() + "' version '" + version.name() + "' has no path.");
        }
        return uri;
    }

    /** Whether anything is stored at a datastore URI (a file or a folder with files). */
    public boolean exists(dev.amlite.core.ResourceId workspace, String uri) {
        return storage.locate(workspace, uri).map(l -> storage.blobs().of(l.account()).anyAt(l.container(),
                AssetStorage.trimSlash(l.path()))).orElse(false);
    }

    /**
     * Uploads the files below {@code source} to {@code path} of the workspace's default datastore and returns the
     * folder's URI ({@code azureml://datastores/<name>/paths/<path>/}).
     */
    public String upload(dev.amlite.core.ResourceId workspace, java.nio.file.Path source, String path) {
        StoredResource datastore = storage.defaultDatastore(workspace);
        StoredResource account = storage.blobAccount(datastore).orElseThrow(() -> new dev.amlite.core.ArmException(
                dev.amlite.core.ErrorCode.UnsupportedStorageAccount, "The default datastore '" + datastore.id().name()
                + "' is not on a blob account amlite holds; outputs cannot be stored there."));
        String container = datastore.document().path("properties").path("containerName").asText();
        BlobStore blobs = storage.blobs().of(account);
        String prefix = AssetStorage.trimSlash(path);
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(source)) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                String relative = source.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                blobs.upload(container, prefix + "/" + relative, file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Uploading " + source + " to " + path + " failed", e);
        }
        return "azureml://datastores/" + datastore.id().name() + "/paths/" + prefix + "/";
    }

    /** One file into {@code path} of the workspace's default datastore (MLflow artifacts, job logs). */
    public void uploadFile(dev.amlite.core.ResourceId workspace, String path, java.nio.file.Path file) {
        DefaultStore target = defaultStore(workspace);
        try {
            target.blobs().upload(target.container(), path, file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Storing " + path + " failed", e);
        }
    }

    /** The files below {@code prefix} of the default datastore, names relative to it. */
    public java.util.List<dev.amlite.store.blob.BlobItem> listFiles(dev.amlite.core.ResourceId workspace, String prefix) {
        DefaultStore target = defaultStore(workspace);
        String base = prefix.endsWith("/") || prefix.isEmpty() ? prefix : prefix + "/";
        return target.blobs().list(target.container(), base).stream()
                .map(item -> new dev.amlite.store.blob.BlobItem(item.name().substring(base.length()), item.size(),
                        item.contentMd5(), item.lastModified()))
                .toList();
    }

    /** One file of the default datastore to a local file; false when there is none at {@code path}. */
    public boolean downloadFile(dev.amlite.core.ResourceId workspace, String path, java.nio.file.Path target) {
        DefaultStore source = defaultStore(workspace);
        boolean present = source.blobs().list(source.container(), path).stream().anyMatch(i -> i.name().equals(path));
        if (!present) {
            return false;
        }
        try {
            source.blobs().download(source.container(), path, target);
            return true;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Reading " + path + " failed", e);
        }
    }

    private record DefaultStore(BlobStore blobs, String container, String datastore) {
    }

    private DefaultStore defaultStore(dev.amlite.core.ResourceId workspace) {
        StoredResource datastore = storage.defaultDatastore(workspace);
        StoredResource account = storage.blobAccount(datastore).orElseThrow(() -> new dev.amlite.core.ArmException(
                dev.amlite.core.ErrorCode.UnsupportedStorageAccount, "The default datastore '" + datastore.id().name()
                + "' is not on a blob account amlite holds."));
        return new DefaultStore(storage.blobs().of(account),
                datastore.document().path("properties").path("containerName").asText(), datastore.id().name());
    }

    /**
     * A read-and-list signed URL for the files at a datastore URI, for clients to download them directly from
     * amlite at {@code baseUrl} (the address their request reached).
     */
    public String signedReadUrl(dev.amlite.core.ResourceId workspace, String uri, java.time.Duration validity,
                                String baseUrl) {
        AssetStorage.Location location = storage.locate(workspace, uri).orElseThrow(() ->
                new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.UnsupportedStorageAccount, "'" + uri
                        + "' is not on a blob datastore amlite holds."));
        return storage.signedUrl(location, "rl", validity, baseUrl);
    }

    private int copy(AssetStorage.Location location, java.nio.file.Path target, boolean keepTop) {
        BlobStore blobs = storage.blobs().of(location.account());
        String path = AssetStorage.trimSlash(location.path());
        String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
        int copied = 0;
        try {
            for (BlobItem item : blobs.list(location.container(), path)) {
                boolean isFile = item.name().equals(path);
                if (!isFile && !item.name().startsWith(path + "/")) {
                    continue;
                }
                String relative = keepTop || isFile ? item.name().substring(parent.length())
                        : item.name().substring(path.length() + 1);
                java.nio.file.Path file = target.resolve(relative).normalize();
                if (!file.startsWith(target)) {
                    continue;
                }
                java.nio.file.Files.createDirectories(file.getParent());
                blobs.download(location.container(), item.name(), file);
                copied++;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Copying the files at " + location.path() + " failed", e);
        }
        return copied;
    }

    public void start() {
        long every = Math.max(1000, Math.min(3_600_000, pendingUploadTtl.toMillis() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes {@code LocalUpload/<id>/} folders in workspaces' blob datastores that no version refers to and that
     * nobody has written to for the TTL; temporary files of writes a crash cut off; and the blob folders of storage
     * accounts that no longer exist. A version anywhere keeps its upload: a container can be several workspaces'
     * datastore (one registers another's container), and a soft-deleted workspace may be recovered.
     */
    int sweep() {
        int removed = 0;
        try {
            Instant before = tracked.clock().instant().minus(pendingUploadTtl);
            Set<String> referenced = referencedUploads();
            Set<String> swept = new HashSet<>();
            for (StoredResource workspace : tracked.store().listByType(AssetKind.WORKSPACE_TYPE)) {
                for (StoredResource datastore : tracked.store().listChildren(workspace.id(), DatastoreHandler.TYPE)) {
                    Optional<StoredResource> account = storage.blobAccount(datastore);
                    if (account.isEmpty()) {
                        continue;
                    }
                    String container = datastore.document().path("properties").path("containerName").asText();
                    if (!swept.add(account.get().id().key() + "/" + container)) {
                        continue;
                    }
                    BlobStore blobs = storage.blobs().of(account.get());
                    removed += sweep(blobs, container, referenced, before);
                    if (blobs instanceof LocalBlobStore local) {
                        local.deleteStaleWrites(pendingUploadTtl);
                    }
                }
            }
            if (removed > 0) {
                LOG.info("Pending-upload sweep removed {} file(s) of uploads that no asset version took up", removed);
            }
            int folders = storage.blobs().removeOrphanFolders();
            if (folders > 0) {
                LOG.info("Removed the blob folders of {} storage account(s) that no longer exist", folders);
            }
        } catch (RuntimeException e) {
            LOG.warn("Pending-upload sweep failed; it runs again later", e);
        }
        return removed;
    }

    private static int sweep(BlobStore blobs, String container, Set<String> referenced, Instant before) {
        Map<String, Instant> newest = new HashMap<>();
        for (BlobItem item : blobs.list(container, AssetVersionHandler.UPLOAD_FOLDER + "/")) {
            Matcher m = UPLOAD.matcher(item.name());
            if (m.lookingAt()) {
                newest.merge(m.group(1), item.lastModified(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        int removed = 0;
        for (Map.Entry<String, Instant> upload : newest.entrySet()) {
            if (!referenced.contains(upload.getKey()) && upload.getValue().isBefore(before)) {
                removed += blobs.deletePrefix(container, AssetVersionHandler.UPLOAD_FOLDER + "/" + upload.getKey() + "/");
            }
        }
        return removed;
    }

    /** The upload ids that versions of every workspace, soft-deleted ones' included, refer to. */
    private Set<String> referencedUploads() {
        Set<String> ids = new HashSet<>();
        for (AssetKind kind : AssetKind.values()) {
            for (ResourceState state : ResourceState.values()) {
                for (StoredResource version : tracked.store().listByTypeInState(kind.versionType(), state)) {
                    String uri = kind.filesUri(version.document().path("properties"));
                    if (uri != null) {
                        Matcher m = UPLOAD.matcher(uri);
                        while (m.find()) {
                            ids.add(m.group(1));
                        }
                    }
                }
            }
        }
        return ids;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
