package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ListView;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * The container of a versioned asset ({@code models/<name>}, {@code environments/<name>}, …): description, tags,
 * archive state, and {@code latestVersion}/{@code nextVersion}, which a client reads to number a new version.
 * Containers appear when their first version is registered; deleting one deletes its versions, unless one
 * of them is in use ({@link AssetUses}).
 */
final class AssetContainerHandler implements TrackedTypeHandler {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
    private final TrackedResources tracked;
    private final AssetKind kind;
    private final AssetUses uses;

    AssetContainerHandler(TrackedResources tracked, AssetKind kind, AssetUses uses) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.uses = requireNonNull(uses, "uses is null");
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return kind.containerType();
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        uses.refuseAssetDelete(kind, request.resource());
        return TrackedTypeHandler.super.delete(request);
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ListView view = ListView.of(request);
        return ArmResponse.list(tracked.list(request.resource(), type()).stream()
                .filter(view::shows).map(this::present).toList());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        checkName(kind, request.resource().name());
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, request.resource(), body);
        ObjectNode requested = Documents.properties(body);
        ObjectNode document = placement.current().map(StoredResource::documentCopy).orElseGet(Json::object);
        ObjectNode properties = document.with("properties");
        for (String member : List.of("description", "tags", "properties", "isArchived")) {
            if (requested.has(member)) {
                properties.set(member, requested.get(member));
            }
        }
        if (kind == AssetKind.DATA) {
            String given = requested.path("dataType").asText(null);
            String existing = properties.path("dataType").asText(null);
            if (existing != null && given != null && !existing.equals(given)) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Data asset '" + request.resource().name()
                        + "' is of type " + existing + "; its type cannot change.");
            }
            if (existing == null && given == null) {
                throw new ArmException(ErrorCode.InvalidParameter, "properties.dataType is required: uri_file, "
                        + "uri_folder or mltable.");
            }
            properties.put("dataType", existing != null ? existing : given);
        }
        defaults(properties);
        return tracked.save(request.caller(), placement, document, this::present);
    }

    /**
     * Makes the container of a version being registered, or records the version in the existing one. {@code made} is
     * the version row when it is written already: a DELETE of the asset that came after it took it away with the
     * container, and recording it then would bring the container back, empty, naming a version that is not there.
     */
    void recordVersion(Caller caller, ArmRequest request, ResourceId containerId, String version,
                       JsonNode versionProperties, ResourceId made) {
        for (int attempt = 0; ; attempt++) {
            if (made != null && !tracked.store().exists(made)) {
                return;
            }
            Optional<StoredResource> current = tracked.store().get(containerId);
            ObjectNode document = current.map(StoredResource::documentCopy).orElseGet(Json::object);
            ObjectNode properties = document.with("properties");
            defaults(properties);
            if (kind == AssetKind.DATA && !properties.has("dataType")) {
                properties.put("dataType", versionProperties.path("dataType").asText());
            }
            properties.put("latestVersion", version);
            properties.put("nextVersion", next(properties.path("nextVersion").asText(null), version));
            try {
                if (current.isEmpty()) {
                    tracked.write(caller, tracked.place(request, containerId, Json.object()), document);
                } else {
                    tracked.update(caller, current.get(), document);
                }
                return;
            } catch (ArmException e) {
                // Two versions registered at once: read the container again and retry.
                boolean race = e.code() == ErrorCode.PreconditionFailed || e.code() == ErrorCode.Conflict;
                if (!race || attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    /** Azure numbers versions 1, 2, 3…: the next is one past the highest number seen. */
    static String next(String currentNext, String registered) {
        long next = parse(currentNext).orElse(1L);
        Optional<Long> number = parse(registered);
        if (number.isPresent() && number.get() >= next) {
            next = number.get() + 1;
        }
        return Long.toString(next);
    }

    private static Optional<Long> parse(String text) {
        if (text == null || !text.matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static void defaults(ObjectNode properties) {
        properties.put("isArchived", properties.path("isArchived").asBoolean(false));
        if (!properties.has("tags")) {
            properties.putObject("tags");
        }
        if (!properties.has("properties")) {
            properties.putObject("properties");
        }
        if (!properties.has("nextVersion")) {
            properties.put("nextVersion", "1");
        }
        properties.put("provisioningState", "Succeeded");
    }

    static void checkName(AssetKind kind, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, kind.label() + " name '" + name + "' is invalid: "
                    + "1 to 255 letters, digits, '-', '_' and '.', starting with a letter or digit.");
        }
    }

    @Override
    public ObjectNode present(StoredResource row) {
        return TrackedTypeHandler.withoutEtag(row);
    }
}
