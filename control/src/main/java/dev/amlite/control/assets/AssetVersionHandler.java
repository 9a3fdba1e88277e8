package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ListView;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * Versions of a model, environment, code or data asset. A version is immutable once registered — only its
 * description, tags, stage and archive state change — and it is registered only when its files are in storage.
 * {@code startPendingUpload} hands out a signed URL to upload a new version's files into the default datastore;
 * {@code getBlobReferenceSAS} one to read a version's files.
 */
final class AssetVersionHandler implements TrackedTypeHandler {
    static final Duration UPLOAD_VALIDITY = Duration.ofHours(8);
    static final Duration READ_VALIDITY = Duration.ofHours(1);
    static final String UPLOAD_FOLDER = "LocalUpload";
    private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private final TrackedResources tracked;
    private final AssetKind kind;
    private final AssetContainerHandler containers;
    private final AssetStorage storage;
    private final AssetUses uses;

    AssetVersionHandler(TrackedResources tracked, AssetKind kind, AssetContainerHandler containers, AssetStorage storage,
                        AssetUses uses) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.containers = requireNonNull(containers, "containers is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.uses = requireNonNull(uses, "uses is null");
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return kind.versionType();
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        StoredResource row = existing(request.resource());
        return ArmResponse.ok(present(row)).withHeader("ETag", row.etag());
    }

    /** A version that must exist; the error names the asset and says how to see its versions. */
    private StoredResource existing(ResourceId id) {
        return tracked.store().get(id).orElseThrow(() -> new ArmException(ErrorCode.ResourceNotFound,
                kind.label() + " '" + id.parent().name() + "' has no version '" + id.name() + "'"
                        + (tracked.store().exists(id.parent()) ? "" : " (there is no " + kind.label().toLowerCase(Locale.ROOT)
                        + " of that name)") + ". 'amlite ml " + kind.label().toLowerCase(Locale.ROOT) + " list -n "
                        + id.parent().name() + "' shows its versions."));
    }

    /** Deletes a version nothing uses ({@link AssetUses}); its files go with the sweep of unreferenced uploads. */
    @Override
    public ArmResponse delete(ArmRequest request) {
        uses.refuseVersionDelete(kind, request.resource());
        return TrackedTypeHandler.super.delete(request);
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ListView view = ListView.of(request);
        List<StoredResource> rows = new ArrayList<>(tracked.list(request.resource(), type()).stream()
                .filter(view::shows).toList());
        String order = Optional.ofNullable(request.queryParameter("$orderBy")).orElse("createdtime desc")
                .toLowerCase(Locale.ROOT);
        Comparator<StoredResource> byCreation = Comparator.comparing(StoredResource::createdAt);
        rows.sort(order.endsWith("asc") ? byCreation : byCreation.reversed());
        OptionalInt top = request.top();
        if (top.isPresent()) {
            rows = rows.subList(0, Math.min(rows.size(), top.getAsInt()));
        }
        return ArmResponse.list(rows.stream().map(this::present).toList());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        ResourceId containerId = id.parent();
        ResourceId workspaceId = containerId.parent();
        AssetContainerHandler.checkName(kind, containerId.name());
        if (!AssetContainerHandler.NAME.matcher(id.name()).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, kind.label() + " version '" + id.name() + "' is "
                    + "invalid: 1 to 255 letters, digits, '-', '_' and '.', starting with a letter or digit.");
        }
        ObjectNode body = request.bodyObject();
        ObjectNode properties = Documents.properties(body).deepCopy();
        properties.remove("provisioningState");
        tracked.requireParent(containerId);
        Optional<StoredResource> container = tracked.store().get(containerId);
        kind.check(properties, container.map(StoredResource::document).orElse(null));
        String files = kind.filesUri(properties);
        // A version is made once: a PUT that finds it made compares instead of replacing it, so that two registrations
        // at once never leave the second one's files in the first one's place. A PUT overtaken by another (the version
        // changed or was made since it was read here) fails with PreconditionFailed or alreadyMade, and the front
        // door applies it again from the top, where it finds the version and compares.
        Optional<StoredResource> current = tracked.store().get(id);
        if (current.isPresent()) {
            // Made after the front door checked If-None-Match: still not this request's to replace.
            request.preconditions().check(id, current.map(StoredResource::etag));
            StoredResource updated = update(request, current.get(), properties);
            return ArmResponse.ok(present(updated)).withHeader("ETag", updated.etag());
        }
        if (files != null) {
            storage.datastoreOf(workspaceId, files);
            storage.requireFiles(workspaceId, files, kind.label().toLowerCase(Locale.ROOT) + " version " + id.name());
        }
        if (container.isEmpty()) {
            containers.recordVersion(request.caller(), request, containerId, id.name(), properties, null);
        }
        ObjectNode document = Json.object();
        document.set("properties", properties.deepCopy().put("provisioningState", "Succeeded"));
        TrackedResources.Placement placement = tracked.place(request, id, Json.object());
        if (placement.current().isPresent()) {
            throw ArmException.alreadyMade(id); // made since it was read above
        }
        StoredResource saved = tracked.write(request.caller(), placement, document);
        containers.recordVersion(request.caller(), request, containerId, id.name(), properties, id);
        return ArmResponse.created(present(saved)).withHeader("ETag", saved.etag());
    }

    /** A second PUT of a version: the same content again is fine, changes only to what may change. */
    private StoredResource update(ArmRequest request, StoredResource current, ObjectNode requested) {
        ObjectNode existing = (ObjectNode) current.document().path("properties");
        List<String> changed = new ArrayList<>();
        Iterator<String> names = requested.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!AssetKind.MUTABLE.contains(name) && !requested.get(name).equals(existing.get(name))
                    && !(requested.get(name).isNull() && !existing.has(name))) {
                changed.add(name);
            }
        }
        if (!changed.isEmpty()) {
            throw duplicate(current.id(), "it differs in " + String.join(", ", changed));
        }
        ObjectNode document = current.documentCopy();
        ObjectNode properties = (ObjectNode) document.path("properties");
        for (String member : AssetKind.MUTABLE) {
            if (requested.has(member)) {
                properties.set(member, requested.get(member));
            }
        }
        return tracked.update(request.caller(), current, document);
    }

    private ArmException duplicate(ResourceId id, String why) {
        return new ArmException(ErrorCode.Conflict, kind.label() + " '" + id.parent().name() + "' version '"
                + id.name() + "' already exists and " + why + ". Versions are immutable (only description, tags, "
                + "stage and archive state change): register a new version, or leave the version out to get the "
                + "next number.");
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "startpendingupload" -> ArmResponse.ok(startPendingUpload(request));
            case "getblobreferencesas" -> ArmResponse.ok(readReference(request));
            default -> TrackedTypeHandler.super.action(request, action);
        };
    }

    /**
     * A place in the default datastore for a new version's files, with a signed URL to write there. The client
     * may name the upload (a content hash makes a second upload of the same files a no-op); otherwise one is
     * made up. Files left there by an upload that never becomes a version are removed after the TTL.
     */
    private ObjectNode startPendingUpload(ArmRequest request) {
        ResourceId workspaceId = request.resource().parent().parent();
        StoredResource workspace = tracked.existing(workspaceId);
        JsonNode body = request.body() == null ? Json.object() : request.body();
        String type = body.path("pendingUploadType").asText("TemporaryBlobReference");
        if (!type.equals("TemporaryBlobReference") && !type.equals("None")) {
            throw new ArmException(ErrorCode.InvalidParameter, "pendingUploadType must be TemporaryBlobReference or "
                    + "None; '" + type + "' was given.");
        }
        String uploadId = body.path("pendingUploadId").asText("");
        if (uploadId.isBlank()) {
            uploadId = UUID.randomUUID().toString().replace("-", "");
        } else if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new ArmException(ErrorCode.InvalidParameter, "pendingUploadId must be 1 to 64 letters, digits and "
                    + "hyphens; '" + uploadId + "' was given.");
        }
        StoredResource datastore = storage.defaultDatastore(workspace.id());
        StoredResource account = storage.blobAccount(datastore).orElseThrow(() -> new ArmException(
                ErrorCode.UnsupportedStorageAccount, "The default datastore '" + datastore.id().name() + "' is not "
                + "an Azure Blob container on a storage account amlite holds, so amlite cannot hand out an upload "
                + "location in it. Make workspaceblobstore the default again, or upload to the datastore yourself."));
        String path = UPLOAD_FOLDER + "/" + uploadId;
        AssetStorage.Location location = new AssetStorage.Location(datastore, account,
                datastore.document().path("properties").path("containerName").asText(), path);
        ObjectNode result = Json.object();
        ObjectNode reference = result.putObject("blobReferenceForConsumption");
        String sasUri = storage.signedUrl(location, "rcwl", UPLOAD_VALIDITY, request.baseUrl());
        reference.put("blobUri", sasUri.substring(0, sasUri.indexOf('?')));
        reference.put("storageAccountArmId", account.id().id());
        reference.putObject("credential").put("credentialType", "SAS").put("sasUri", sasUri);
        // Not in Azure's contract: the datastore path to register the version with, so clients need not build it.
        reference.put("datastoreUri", AssetUri.longForm(workspace.id(), datastore.id().name(), path));
        result.put("pendingUploadId", uploadId);
        result.put("pendingUploadType", "TemporaryBlobReference");
        return result;
    }

    private ObjectNode readReference(ArmRequest request) {
        StoredResource version = existing(request.resource());
        ResourceId workspaceId = request.resource().parent().parent();
        String files = kind.filesUri(version.document().path("properties"));
        if (files == null) {
            throw new ArmException(ErrorCode.InvalidParameter, kind.label() + " version '" + version.id().name()
                    + "' has no files (it names an image).");
        }
        AssetStorage.Location location = storage.locate(workspaceId, files).orElseThrow(() -> new ArmException(
                ErrorCode.UnsupportedStorageAccount, "The files of " + kind.label().toLowerCase(Locale.ROOT) + " '"
                + version.id().parent().name() + "' version '" + version.id().name() + "' are at '" + files
                + "', which is not on a blob account amlite holds; read them from there with your own credentials."));
        if (!storage.blobs().of(location.account()).anyAt(location.container(), AssetStorage.trimSlash(location.path()))) {
            // Else a download finds nothing to fetch and reports success with no files.
            throw new ArmException(ErrorCode.UploadIncomplete, "No files are at '" + files + "' for "
                    + kind.label().toLowerCase(Locale.ROOT) + " '" + version.id().parent().name() + "' version '"
                    + version.id().name() + "': they were removed from storage after it was registered.");
        }
        ObjectNode result = Json.object();
        ObjectNode reference = result.putObject("blobReferenceForConsumption");
        String sasUri = storage.signedUrl(location, "rl", READ_VALIDITY, request.baseUrl());
        reference.put("blobUri", sasUri.substring(0, sasUri.indexOf('?')));
        reference.put("storageAccountArmId", location.account().id().id());
        reference.putObject("credential").put("credentialType", "SAS").put("sasUri", sasUri);
        return result;
    }

    @Override
    public ObjectNode present(StoredResource row) {
        return TrackedTypeHandler.withoutEtag(row);
    }
}
