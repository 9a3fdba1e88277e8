package dev.amlite.sdk.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import dev.amlite.sdk.ArmClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import static java.util.Objects.requireNonNull;

/**
 * The versioned assets of one kind in a workspace (seed 003's {@code ws.models}, {@code ws.environments}, …):
 * register a version — uploading its local files first when given a path — get one by version or the latest,
 * resolve {@code azureml:name:version} and {@code azureml:name@latest}, list, archive and restore, download, delete.
 */
public final class AssetOperations {
    /** Files in flight at once: on the 2-core bench machine 8 moved small files ~1.5x faster than 4. */
    private static final int PARALLEL_FILES = 8;
    private static final int MAX_VERSION_ATTEMPTS = 20;
    private final ArmClient arm;
    private final String base;
    private final String uriMember;
    private final boolean contentAddressed;
    private final Consumer<BlobTransfer.Progress> progress;

    AssetOperations(ArmClient arm, String workspacePath, String segment, String uriMember, boolean contentAddressed,
                    Consumer<BlobTransfer.Progress> progress) {
        this.arm = requireNonNull(arm, "arm is null");
        this.base = workspacePath + "/" + segment;
        this.uriMember = uriMember;
        this.contentAddressed = contentAddressed;
        this.progress = progress;
    }

    /** The operations on {@code kind} (model, environment, code or data) of the workspace with this ARM id. */
    public static AssetOperations of(ArmClient arm, String workspaceId, String kind) {
        return switch (kind) {
            case "model" -> new AssetOperations(arm, workspaceId, "models", "modelUri", false, null);
            case "environment" -> new AssetOperations(arm, workspaceId, "environments", null, false, null);
            case "code" -> new AssetOperations(arm, workspaceId, "codes", "codeUri", true, null);
            case "data" -> new AssetOperations(arm, workspaceId, "data", "dataUri", false, null);
            default -> throw new IllegalArgumentException("Unknown asset kind '" + kind + "'.");
        };
    }

    /** The same operations reporting upload and download progress to {@code listener}. */
    public AssetOperations withProgress(Consumer<BlobTransfer.Progress> listener) {
        return new AssetOperations(arm, base.substring(0, base.lastIndexOf('/')), base.substring(base.lastIndexOf('/') + 1),
                uriMember, contentAddressed, listener);
    }

    /**
     * Registers {@code name} at {@code version} (the next number when null) with the given ARM properties. With
     * {@code localFiles}, the file or folder is uploaded first and the version points at it; the version is
     * registered only after every file arrived intact.
     */
    public JsonNode createOrUpdate(String name, String version, ObjectNode properties, Path localFiles) {
        String v = version != null ? version : nextVersion(name);
        ObjectNode props = properties.deepCopy();
        if (localFiles != null) {
            if (uriMember == null) {
                throw new IllegalArgumentException("This kind of asset has no files to upload.");
            }
            props.put(uriMember, upload(name, v, localFiles));
        }
        ObjectNode body = Json.object();
        body.set("properties", props);
        if (version != null) {
            return arm.send("PUT", base + "/" + name + "/versions/" + v, Workspace.API, Map.of(), body).body();
        }
        // A number of our choosing is a new version: created only (If-None-Match), and when another registration took
        // the number first, the next one — so that registrations at once get a version each, as one after another do.
        for (int attempt = 1; ; attempt++) {
            try {
                return arm.send("PUT", base + "/" + name + "/versions/" + v, Workspace.API, Map.of(), body,
                        Map.of("If-None-Match", "*")).body();
            } catch (AmliteException e) {
                if (e.status() != 412 || attempt >= MAX_VERSION_ATTEMPTS) {
                    throw e;
                }
                v = after(v, nextVersion(name));
            }
        }
    }

    /** The number to try after {@code taken}: the container's next, or one past {@code taken} if that is not yet past. */
    static String after(String taken, String next) {
        try {
            long number = Long.parseLong(taken);
            return Long.toString(Math.max(number + 1, Long.parseLong(next)));
        } catch (NumberFormatException e) {
            return next;
        }
    }

    /**
     * Registers local files as an anonymous version, as az ml does with a deployment's inline model or code: the
     * name comes from the files, the version is 1, and registering the same files again finds that version.
     */
    public JsonNode createAnonymous(Path localFiles, ObjectNode properties) {
        // The same files as another type of model (an MLflow model once deployed as custom) are another version.
        String type = properties.path("modelType").asText("CustomModel");
        String name = "anon-" + uploadId(localFiles).substring(0, 24)
                + (type.equals("CustomModel") ? "" : "-" + type.toLowerCase(Locale.ROOT));
        try {
            return get(name, "1");
        } catch (AmliteException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        ObjectNode props = properties.deepCopy();
        props.put("isAnonymous", true);
        return createOrUpdate(name, "1", props, localFiles);
    }

    /** Uploads a file or folder for {@code name}/{@code version} and returns the datastore URI it got. */
    public String upload(String name, String version, Path localFiles) {
        if (!Files.exists(localFiles)) {
            throw new IllegalArgumentException("The path '" + localFiles + "' does not exist.");
        }
        if (Files.isDirectory(localFiles)) {
            try (Stream<Path> files = Files.walk(localFiles)) {
                if (files.noneMatch(Files::isRegularFile)) {
                    // Said here: the server could only say that nothing arrived, after the upload seemed to work.
                    throw new IllegalArgumentException("The folder '" + localFiles + "' has no files: there is "
                            + "nothing to upload. An asset needs at least one file.");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        ObjectNode request = Json.object();
        request.put("pendingUploadId", uploadId(localFiles));
        request.put("pendingUploadType", "TemporaryBlobReference");
        JsonNode pending = arm.send("POST", base + "/" + name + "/versions/" + version + "/startPendingUpload",
                Workspace.API, Map.of(), request).body();
        JsonNode reference = pending.path("blobReferenceForConsumption");
        String top = new BlobTransfer(arm.http(), progress, PARALLEL_FILES).upload(localFiles, reference.path("credential")
                .path("sasUri").asText());
        String where = reference.path("datastoreUri").asText(reference.path("blobUri").asText());
        return where + "/" + top;
    }

    public JsonNode get(String name, String version) {
        return arm.get(base + "/" + name + "/versions/" + version, Workspace.API);
    }

    /** The most recently registered version. */
    public JsonNode getLatest(String name) {
        String kinds = base.substring(base.lastIndexOf('/') + 1);
        JsonNode versions;
        try {
            versions = arm.send("GET", base + "/" + name + "/versions", Workspace.API,
                    Map.of("$orderBy", "createdtime desc", "$top", "1"), null).body().path("value");
        } catch (AmliteException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            throw new AmliteException(404, "ResourceNotFound", "'" + name + "' is not among the " + kinds + " of this "
                    + "workspace, so it has no latest version.", e.body());
        }
        if (versions.isEmpty()) {
            throw new AmliteException(404, "ResourceNotFound", "'" + name + "' has no versions among the " + kinds
                    + " of this workspace (or only archived ones), so it has no latest version.", null);
        }
        return versions.get(0);
    }

    /**
     * A reference as a job or deployment sends it: {@code azureml:name@latest} becomes the ARM id of the newest active
     * version, as az ml resolves it before it submits; any other reference is returned as given, for the server to
     * check. Null stays null.
     */
    public String pinned(String reference) {
        if (reference == null) {
            return null;
        }
        String ref = reference.startsWith("azureml:") ? reference.substring(8) : reference;
        if (ref.startsWith("/") || !ref.endsWith("@latest")) {
            return reference;
        }
        return getLatest(ref.substring(0, ref.length() - 7)).path("id").asText();
    }

    /** {@code azureml:name:version}, {@code azureml:name@latest}, or the same without the prefix. */
    public JsonNode resolve(String reference) {
        String ref = reference.startsWith("azureml:") ? reference.substring(8) : reference;
        if (ref.endsWith("@latest")) {
            return getLatest(ref.substring(0, ref.length() - 7));
        }
        int colon = ref.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + reference + "' is not a reference: use azureml:<name>:<version> "
                    + "or azureml:<name>@latest.");
        }
        return get(ref.substring(0, colon), ref.substring(colon + 1));
    }

    /** Containers (name null) or the versions of one asset; {@code view} is ActiveOnly, ArchivedOnly or All. */
    public List<JsonNode> list(String name, String view) {
        return list(name, view, Integer.MAX_VALUE);
    }

    /** The first {@code atMost} of the containers (by name) or of one asset's versions (newest first). */
    public List<JsonNode> list(String name, String view, int atMost) {
        String path = name == null ? base : base + "/" + name + "/versions";
        return arm.list(path, Workspace.API, Map.of("listViewType", view == null ? "ActiveOnly" : view), atMost);
    }

    public Optional<JsonNode> container(String name) {
        try {
            return Optional.of(arm.get(base + "/" + name, Workspace.API));
        } catch (AmliteException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Archives or restores a version, or the whole asset when {@code version} is null. */
    public JsonNode setArchived(String name, String version, boolean archived) {
        return update(name, version, props -> props.put("isArchived", archived));
    }

    /**
     * Changes what may change of a version (description, tags, stage, the archive flag), or of the whole asset when
     * {@code version} is null: {@code change} edits a copy of its current properties, which are then sent back.
     */
    public JsonNode update(String name, String version, Consumer<ObjectNode> change) {
        String path = version == null ? base + "/" + name : base + "/" + name + "/versions/" + version;
        ObjectNode current = (ObjectNode) arm.get(path, Workspace.API);
        ObjectNode body = Json.object();
        ObjectNode props = ((ObjectNode) current.path("properties")).deepCopy();
        for (String readOnly : List.of("latestVersion", "nextVersion", "provisioningState")) {
            props.remove(readOnly);
        }
        change.accept(props);
        body.set("properties", props);
        return arm.send("PUT", path, Workspace.API, Map.of(), body).body();
    }

    /** Downloads a version's files below {@code destination}/{@code name}/. */
    public List<Path> download(String name, String version, Path destination) {
        JsonNode reference = arm.send("POST", base + "/" + name + "/versions/" + version + "/getBlobReferenceSAS",
                Workspace.API, Map.of(), Json.object()).body().path("blobReferenceForConsumption");
        return new BlobTransfer(arm.http(), progress, PARALLEL_FILES).download(reference.path("credential").path("sasUri").asText(),
                destination.resolve(name));
    }

    public void delete(String name, String version) {
        arm.send("DELETE", version == null ? base + "/" + name : base + "/" + name + "/versions/" + version,
                Workspace.API, Map.of(), null);
    }

    private String nextVersion(String name) {
        return container(name).map(c -> c.path("properties").path("nextVersion").asText("1")).orElse("1");
    }

    /**
     * The upload's name. Code is stored once per content hash (AS-4). Other assets use a fingerprint of names,
     * sizes and modification times — cheap for a large model, and the same on a rerun, so that a cut-off upload
     * resumes where it stopped.
     */
    String uploadId(Path source) {
        MessageDigest digest = sha256();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(source.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                if (contentAddressed) {
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] buffer = new byte[1 << 16];
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            digest.update(buffer, 0, read);
                        }
                    }
                } else {
                    digest.update((Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis())
                            .getBytes(StandardCharsets.UTF_8));
                }
                digest.update((byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
