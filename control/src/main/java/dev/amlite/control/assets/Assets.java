package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.blob.BlobAccounts;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.Workspaces;
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

    public Assets(TrackedResources tracked, Workspaces workspaces, BlobAccounts blobs, Duration pendingUploadTtl) {
        this.tracked = tracked;
        this.storage = new AssetStorage(tracked.store(), blobs);
        this.pendingUploadTtl = pendingUploadTtl;
        this.datastores = new DatastoreHandler(tracked, workspaces.secrets(), workspaces.storageAccounts(), storage);
        for (AssetKind kind : AssetKind.values()) {
            AssetContainerHandler container = new AssetContainerHandler(tracked, kind);
            containers.put(kind, container);
            versions.put(kind, new AssetVersionHandler(tracked, kind, container, storage));
        }
        workspaces.addListener(datastores::systemDatastores);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("pending-upload-sweep").factory());
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
            throw new java.io.UncheckedIOException("Copying the files of " + version.id() + " failed", e);
        }
        if (copied == 0) {
            throw new dev.amlite.core.ArmException(dev.amlite.core.ErrorCode.UploadIncomplete, "No files are at '"
                    + uri + "' for " + kind.label().toLowerCase(java.util.Locale.ROOT) + " '" + version.parent().name()
                    + "' version '" + version.name() + "'.");
        }
        return copied;
    }

    public void start() {
        long every = Math.max(1000, Math.min(3_600_000, pendingUploadTtl.toMillis() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes {@code LocalUpload/<id>/} folders in workspaces' blob datastores that no version refers to and that
     * nobody has written to for the TTL; and temporary files of writes a crash cut off.
     */
    int sweep() {
        int removed = 0;
        try {
            Instant before = tracked.clock().instant().minus(pendingUploadTtl);
            for (StoredResource workspace : tracked.store().listByType(AssetKind.WORKSPACE_TYPE)) {
                Set<String> referenced = referencedUploads(workspace);
                for (StoredResource datastore : tracked.store().listChildren(workspace.id(), DatastoreHandler.TYPE)) {
                    Optional<StoredResource> account = storage.blobAccount(datastore);
                    if (account.isEmpty()) {
                        continue;
                    }
                    BlobStore blobs = storage.blobs().of(account.get());
                    String container = datastore.document().path("properties").path("containerName").asText();
                    removed += sweep(blobs, container, referenced, before);
                    if (blobs instanceof LocalBlobStore local) {
                        local.deleteStaleWrites(pendingUploadTtl);
                    }
                }
            }
            if (removed > 0) {
                LOG.info("Pending-upload sweep removed {} file(s) of uploads that no asset version took up", removed);
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

    private Set<String> referencedUploads(StoredResource workspace) {
        Set<String> ids = new HashSet<>();
        for (AssetKind kind : AssetKind.values()) {
            for (StoredResource container : tracked.store().listChildren(workspace.id(), kind.containerType())) {
                for (StoredResource version : tracked.store().listChildren(container.id(), kind.versionType())) {
                    JsonNode properties = version.document().path("properties");
                    String uri = kind.filesUri(properties);
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
