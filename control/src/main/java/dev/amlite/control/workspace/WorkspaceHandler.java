package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.control.keyvault.KeyVaults;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.WorkspaceDependencies.Kind;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceState;
import dev.amlite.store.StoredResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.MachineLearningServices/workspaces} (WS-1 … WS-8, WS-10): creation with dependent resources
 * made or checked, show and list with the fields of seed 001, update rules ({@code hbiWorkspace}, storage and key
 * vault are fixed at creation), soft delete with recovery by creating again and purge with
 * {@code forceToPurge}, keys ({@code listKeys}, {@code resyncKeys}), customer-managed keys and {@code diagnose}.
 * Creation finishes within the request (milliseconds), so PUT answers 201 with provisioningState Succeeded,
 * which ARM pollers take as done.
 */
public final class WorkspaceHandler implements ResourceTypeHandler {
    public static final String TYPE = "Microsoft.MachineLearningServices/workspaces";
    static final String PE_CONNECTION_TYPE = TYPE + "/privateEndpointConnections";

    private final TrackedResources tracked;
    private final WorkspaceDependencies dependencies;
    private final WorkspaceKeys keys;
    private final WorkspaceEncryption encryption;
    private final WorkspaceDiagnosis diagnosis;
    private final CmkResources cmkResources;
    private final Duration retention;
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceHandler.class);
    private final List<WorkspaceListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<WorkspaceData> data = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<WorkspaceTeardown> teardowns = new java.util.concurrent.CopyOnWriteArrayList<>();

    WorkspaceHandler(TrackedResources tracked, WorkspaceDependencies dependencies, WorkspaceKeys keys,
                     WorkspaceEncryption encryption, WorkspaceDiagnosis diagnosis, CmkResources cmkResources,
                     Duration retention) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.dependencies = requireNonNull(dependencies, "dependencies is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.encryption = requireNonNull(encryption, "encryption is null");
        this.diagnosis = requireNonNull(diagnosis, "diagnosis is null");
        this.cmkResources = requireNonNull(cmkResources, "cmkResources is null");
        this.retention = requireNonNull(retention, "retention is null");
    }

    void addTeardown(WorkspaceTeardown teardown) {
        teardowns.add(teardown);
    }

    void addData(WorkspaceData owner) {
        data.add(owner);
    }

    void addListener(WorkspaceListener listener) {
        listeners.add(listener);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        StoredResource row = existing(request.resource());
        return ArmResponse.ok(present(row, request)).withHeader("ETag", row.etag());
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        return ArmResponse.list(tracked.list(request.resource(), TYPE).stream().map(row -> present(row, request))
                .toList());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        WorkspaceNames.check(id.name());
        ObjectNode body = request.bodyObject();
        Optional<StoredResource> softDeleted = tracked.store().getSoftDeleted(id);
        if (softDeleted.isPresent()) {
            return ArmResponse.ok(present(recover(request, body, softDeleted.get()), request));
        }
        TrackedResources.Placement placement = tracked.place(request, id, body);
        if (placement.current().isPresent()) {
            return ArmResponse.ok(present(update(request, placement.current().get(), body, true), request));
        }
        return ArmResponse.created(present(create(request, placement, body), request));
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = existing(request.resource());
        request.preconditions().check(current.id(), Optional.of(current.etag())); // against the row it replaces
        return ArmResponse.ok(present(update(request, current, request.bodyObject(), false),
                request));
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        ResourceId id = request.resource();
        boolean purge = "true".equalsIgnoreCase(request.queryParameter("forceToPurge"));
        Optional<StoredResource> active = tracked.deleting(request);
        if (active.isEmpty()) {
            Optional<StoredResource> deleted = tracked.store().getSoftDeleted(id);
            if (deleted.isEmpty()) {
                return ArmResponse.noContent();
            }
            if (!purge) {
                throw alreadyDeleted(deleted.get());
            }
            purge(deleted.get());
            return ArmResponse.ok(null);
        }
        teardowns.forEach(teardown -> teardown.tearDown(active.get()));
        if (purge) {
            purge(active.get());
            return ArmResponse.ok(null);
        }
        ObjectNode document = active.get().documentCopy();
        Instant now = tracked.clock().instant();
        ObjectNode properties = (ObjectNode) document.path("properties");
        properties.put("softDeletedAt", now.toString());
        properties.put("scheduledPurgeDate", now.plus(retention).toString());
        StoredResource marked = tracked.store().replace(active.get(), active.get().location(), document);
        tracked.store().setTreeState(marked.id(), ResourceState.ACTIVE, ResourceState.SOFT_DELETED);
        return ArmResponse.ok(null);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        StoredResource workspace = existing(request.resource());
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "listkeys" -> ArmResponse.ok(keys.listKeys(workspace));
            case "liststorageaccountkeys" -> ArmResponse.ok(Json.object()
                    .put("userStorageKey", keys.listKeys(workspace).path("userStorageKey").asText(null)));
            case "resynckeys" -> {
                keys.sync(workspace);
                yield ArmResponse.ok(null);
            }
            case "diagnose" -> ArmResponse.ok(diagnosis.diagnose(workspace, keys.inSync(workspace)));
            default -> ResourceTypeHandler.super.action(request, action);
        };
    }

    /** Purges soft-deleted workspaces whose retention has ended; the maintenance task calls this. */
    int purgeExpired() {
        int purged = 0;
        Instant now = tracked.clock().instant();
        for (StoredResource workspace : tracked.store().listByTypeInState(TYPE, ResourceState.SOFT_DELETED)) {
            String scheduled = workspace.document().path("properties").path("scheduledPurgeDate").asText(null);
            if (scheduled != null && !now.isBefore(Instant.parse(scheduled))) {
                purge(workspace);
                purged++;
            }
        }
        return purged;
    }

    /** Removes a workspace for good, with the service-managed group a customer-managed key made for it. */
    private void purge(StoredResource workspace) {
        String managed = workspace.document().path("properties").path("serviceProvisionedResourceGroup").asText(null);
        if (managed != null) {
            tracked.store().deleteTree(ResourceId.parse(managed));
        }
        tracked.store().deleteTree(workspace.id());
        for (WorkspaceData owner : data) {
            try {
                owner.forget(workspace);
            } catch (RuntimeException e) { // the workspace is gone either way; the next sweep forgets the rest
                LOG.warn("Data of purged workspace {} is left for the next purge sweep", workspace.id(), e);
            }
        }
    }

    /** The workspaces in the store, active or soft-deleted: whose data is kept. */
    List<StoredResource> stored() {
        List<StoredResource> all = new ArrayList<>(tracked.store().listByTypeInState(TYPE, ResourceState.ACTIVE));
        all.addAll(tracked.store().listByTypeInState(TYPE, ResourceState.SOFT_DELETED));
        return all;
    }

    /** Lets every owner of workspace data forget the workspaces no longer stored (a deleted group's). */
    void forgetGone() {
        for (WorkspaceData owner : data) {
            owner.forgetAllBut(this::stored);
        }
    }

    private StoredResource create(ArmRequest request, TrackedResources.Placement placement, ObjectNode body) {
        ResourceId id = placement.id();
        ObjectNode requested = Documents.properties(body);
        String guid = UUID.randomUUID().toString();
        String publicAccess = publicNetworkAccess(requested, "Enabled");
        String authMode = systemDatastoresAuthMode(requested.path("systemDatastoresAuthMode").asText("accessKey"));
        KeyVaults.KeyReference cmk = null;
        boolean cmkEnabled = "Enabled".equalsIgnoreCase(requested.path("encryption").path("status").asText());
        if (cmkEnabled) {
            tracked.registrations().requireRegistered(id.subscriptionId(), "Microsoft.DocumentDB");
            tracked.registrations().requireRegistered(id.subscriptionId(), "Microsoft.Search");
            JsonNode vaultProperties = requested.path("encryption").path("keyVaultProperties");
            cmk = encryption.check(vaultProperties.path("keyVaultArmId").asText(null),
                    vaultProperties.path("keyIdentifier").asText(null));
        }
        ObjectNode properties = Json.object();
        for (Kind kind : Kind.values()) {
            String given = requested.path(kind.property).asText(null);
            if (given != null && !given.isBlank()) {
                properties.put(kind.property, dependencies.checkBringYourOwn(request, kind, given).id().id());
            }
        }
        List<ResourceId> created = new ArrayList<>();
        try {
            for (Kind kind : List.of(Kind.STORAGE, Kind.KEY_VAULT, Kind.INSIGHTS)) {
                if (!properties.has(kind.property)) {
                    StoredResource made = dependencies.create(request, kind, id.name(), placement.location(), guid);
                    created.add(made.id());
                    properties.put(kind.property, made.id().id());
                }
            }
            if (cmk != null) {
                ResourceId managedGroup = cmkResources.create(request, id.name(), guid, placement.location());
                created.add(managedGroup);
                properties.put("serviceProvisionedResourceGroup", managedGroup.id());
            }
            ObjectNode document = Json.object();
            document.set("tags", placement.tags());
            document.set("identity", identity(body.path("identity"), request.caller().tenantId(), null));
            document.putObject("sku").put("name", "Basic").put("tier", "Basic");
            document.put("kind", body.path("kind").asText("Default"));
            properties.put("workspaceId", guid);
            properties.put("friendlyName", requested.path("friendlyName").asText(id.name()));
            properties.put("description", requested.path("description").asText(""));
            if (!properties.has("containerRegistry")) {
                properties.putNull("containerRegistry");
            }
            properties.put("hbiWorkspace", requested.path("hbiWorkspace").asBoolean(false));
            properties.put("imageBuildCompute", requested.path("imageBuildCompute").asText(null));
            properties.put("publicNetworkAccess", publicAccess);
            properties.put("allowPublicAccessWhenBehindVnet", "Enabled".equals(publicAccess));
            properties.put("primaryUserAssignedIdentity", requested.path("primaryUserAssignedIdentity").asText(null));
            properties.put("systemDatastoresAuthMode", authMode);
            properties.put("v1LegacyMode", requested.path("v1LegacyMode").asBoolean(false));
            properties.put("storageHnsEnabled", false);
            properties.put("tenantId", request.caller().tenantId());
            properties.put("creationTime", tracked.clock().instant().toString());
            properties.put("discoveryUrl", request.baseUrl() + "/discovery/" + placement.location());
            properties.put("mlFlowTrackingUri", request.baseUrl() + "/mlflow/v1.0" + id.id());
            if (cmk != null) {
                ObjectNode encryptionNode = properties.putObject("encryption");
                encryptionNode.put("status", "Enabled");
                encryptionNode.putObject("keyVaultProperties")
                        .put("keyVaultArmId", requested.path("encryption").path("keyVaultProperties").path("keyVaultArmId").asText())
                        .put("keyIdentifier", cmk.keyUriWithVersion());
            }
            properties.put("provisioningState", "Succeeded");
            document.set("properties", properties);
            StoredResource saved = tracked.write(request.caller(), placement, document);
            // From here on the id is ours: a concurrent create of the same name failed above, before it could
            // overwrite this workspace's secrets or be rolled back over it.
            created.add(id);
            if (cmk != null) {
                encryption.enable(id, cmk);
            }
            keys.sync(saved);
            for (WorkspaceListener listener : listeners) {
                listener.changed(request, saved, true);
            }
            return saved;
        } catch (RuntimeException e) {
            dependencies.rollBack(created);
            throw e;
        }
    }

    /** PATCH, or PUT on an existing workspace: what WS-4 lets change, and a clear error for what may not. */
    private StoredResource update(ArmRequest request, StoredResource current, ObjectNode body, boolean fullPut) {
        ObjectNode document = current.documentCopy();
        ObjectNode properties = (ObjectNode) document.path("properties");
        ObjectNode requested = Documents.properties(body);
        if (requested.has("hbiWorkspace") && requested.path("hbiWorkspace").asBoolean() != properties.path("hbiWorkspace").asBoolean()) {
            throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "hbi_workspace can only be set when a "
                    + "workspace is created; workspace '" + current.id().name() + "' has hbi_workspace="
                    + properties.path("hbiWorkspace").asBoolean() + ". Create a new workspace to change it.");
        }
        for (Kind kind : List.of(Kind.STORAGE, Kind.KEY_VAULT)) {
            String given = requested.path(kind.property).asText(null);
            if (given != null && !given.equalsIgnoreCase(properties.path(kind.property).asText())) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "The " + kind.yamlName + " of a workspace "
                        + "is fixed when it is created (" + properties.path(kind.property).asText() + "); only the "
                        + "container registry and application insights can be replaced.");
            }
        }
        for (Kind kind : List.of(Kind.REGISTRY, Kind.INSIGHTS)) {
            String given = requested.path(kind.property).asText(null);
            if (given != null && !given.isBlank() && !given.equalsIgnoreCase(properties.path(kind.property).asText())) {
                properties.put(kind.property, dependencies.checkBringYourOwn(request, kind, given).id().id());
            }
        }
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        if (body.hasNonNull("identity")) {
            document.set("identity", identity(body.get("identity"), request.caller().tenantId(), document.path("identity")));
        }
        for (String member : List.of("description", "friendlyName", "imageBuildCompute", "primaryUserAssignedIdentity")) {
            if (requested.has(member)) {
                properties.set(member, requested.get(member));
            }
        }
        if (requested.has("v1LegacyMode")) {
            properties.put("v1LegacyMode", requested.path("v1LegacyMode").asBoolean());
        }
        if (requested.has("publicNetworkAccess")) {
            String access = publicNetworkAccess(requested, null);
            properties.put("publicNetworkAccess", access);
            properties.put("allowPublicAccessWhenBehindVnet", "Enabled".equals(access));
        }
        if (requested.has("systemDatastoresAuthMode")) {
            properties.put("systemDatastoresAuthMode",
                    systemDatastoresAuthMode(requested.path("systemDatastoresAuthMode").asText()));
        }
        rotateKeyIfAsked(current, properties, requested);
        StoredResource saved = tracked.update(request.caller(), current, document);
        keys.sync(saved);
        for (WorkspaceListener listener : listeners) {
            listener.changed(request, saved, false);
        }
        return saved;
    }

    /** A new keyIdentifier of the same vault rotates the customer-managed key; turning CMK on or off is refused. */
    private void rotateKeyIfAsked(StoredResource current, ObjectNode properties, ObjectNode requested) {
        JsonNode wanted = requested.path("encryption");
        if (wanted.isMissingNode() || wanted.isNull()) {
            return;
        }
        boolean enabledNow = "Enabled".equalsIgnoreCase(properties.path("encryption").path("status").asText());
        String wantedStatus = wanted.path("status").asText(enabledNow ? "Enabled" : "Disabled");
        if (enabledNow != "Enabled".equalsIgnoreCase(wantedStatus)) {
            throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "A customer-managed key can only be chosen when "
                    + "a workspace is created; it cannot be " + (enabledNow ? "removed" : "added") + " later.");
        }
        String newKey = wanted.path("keyVaultProperties").path("keyIdentifier").asText(null);
        ObjectNode currentKeys = (ObjectNode) properties.path("encryption").path("keyVaultProperties");
        if (!enabledNow || newKey == null || newKey.equalsIgnoreCase(currentKeys.path("keyIdentifier").asText())) {
            return;
        }
        String vault = currentKeys.path("keyVaultArmId").asText();
        String wantedVault = wanted.path("keyVaultProperties").path("keyVaultArmId").asText(vault);
        if (!wantedVault.equalsIgnoreCase(vault)) {
            throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "The key vault of a customer-managed key cannot "
                    + "change; rotate to another key or version in '" + vault + "'.");
        }
        KeyVaults.KeyReference from = encryption.current(current);
        KeyVaults.KeyReference to = encryption.check(vault, newKey);
        encryption.rotate(current.id(), from, to);
        currentKeys.put("keyIdentifier", to.keyUriWithVersion());
    }

    /**
     * Creating a workspace whose soft-deleted namesake exists recovers it (WS-6), as Azure does, when the request
     * is compatible with it; otherwise the error says how to recover or purge.
     */
    private StoredResource recover(ArmRequest request, ObjectNode body, StoredResource deleted) {
        tracked.requireParent(deleted.id());
        ObjectNode requested = Documents.properties(body);
        JsonNode stored = deleted.document().path("properties");
        List<String> conflicts = new ArrayList<>();
        String location = body.path("location").asText(null);
        if (location != null && !location.isBlank() && !location.replace(" ", "").equalsIgnoreCase(deleted.location())) {
            conflicts.add("location " + location + " (the deleted workspace is in " + deleted.location() + ")");
        }
        for (Kind kind : Kind.values()) {
            String given = requested.path(kind.property).asText(null);
            if (given != null && !given.isBlank() && !given.equalsIgnoreCase(stored.path(kind.property).asText())) {
                conflicts.add(kind.yamlName + " " + given + " (the deleted workspace uses " + stored.path(kind.property).asText() + ")");
            }
        }
        if (requested.has("hbiWorkspace") && requested.path("hbiWorkspace").asBoolean() != stored.path("hbiWorkspace").asBoolean()) {
            conflicts.add("hbi_workspace " + requested.path("hbiWorkspace").asBoolean());
        }
        if (!conflicts.isEmpty()) {
            throw new ArmException(ErrorCode.SoftDeletedResourceExists, "A workspace named '" + deleted.id().name()
                    + "' was deleted on " + stored.path("softDeletedAt").asText() + " and is kept until "
                    + stored.path("scheduledPurgeDate").asText() + ". Creating it again recovers it, but this request "
                    + "differs in: " + String.join("; ", conflicts) + ". Recover it by creating it with its original "
                    + "settings, or purge it first with 'amlite ml workspace delete -n " + deleted.id().name() + " -g "
                    + deleted.id().resourceGroup() + " --permanently-delete --yes'.");
        }
        tracked.store().setTreeState(deleted.id(), ResourceState.SOFT_DELETED, ResourceState.ACTIVE);
        StoredResource restored = tracked.existing(deleted.id());
        ObjectNode document = restored.documentCopy();
        ((ObjectNode) document.path("properties")).remove(List.of("softDeletedAt", "scheduledPurgeDate"));
        StoredResource saved = tracked.update(request.caller(), restored, document);
        keys.sync(saved);
        return saved;
    }

    StoredResource existing(ResourceId id) {
        Optional<StoredResource> workspace = tracked.store().get(id);
        if (workspace.isPresent()) {
            return workspace.get();
        }
        Optional<StoredResource> deleted = tracked.store().getSoftDeleted(id);
        if (deleted.isPresent()) {
            throw alreadyDeleted(deleted.get());
        }
        throw ArmException.notFound(id);
    }

    private static ArmException alreadyDeleted(StoredResource deleted) {
        JsonNode properties = deleted.document().path("properties");
        return new ArmException(ErrorCode.ResourceNotFound, "The workspace '" + deleted.id().name() + "' was deleted on "
                + properties.path("softDeletedAt").asText() + " and is soft-deleted until "
                + properties.path("scheduledPurgeDate").asText() + ". Recover it with 'amlite ml workspace create -n "
                + deleted.id().name() + " -g " + deleted.id().resourceGroup() + "', or purge it now with 'amlite ml "
                + "workspace delete -n " + deleted.id().name() + " -g " + deleted.id().resourceGroup()
                + " --permanently-delete --yes'.");
    }

    /**
     * The ARM document with what is computed on read: private endpoint connections and their count, and the URLs
     * amlite serves (discovery, MLflow tracking) at the address {@code request} reached.
     */
    ObjectNode present(StoredResource row, ArmRequest request) {
        ObjectNode document = row.documentCopy();
        ObjectNode properties = (ObjectNode) document.path("properties");
        for (String served : List.of("discoveryUrl", "mlFlowTrackingUri")) {
            if (properties.hasNonNull(served)) {
                properties.put(served, ServedUrls.rebase(properties.path(served).asText(), request.baseUrl()));
            }
        }
        ArrayNode connections = properties.putArray("privateEndpointConnections");
        for (StoredResource connection : tracked.store().listChildren(row.id(), PE_CONNECTION_TYPE)) {
            ObjectNode shown = connection.documentCopy();
            shown.remove("etag");
            connections.add(shown);
        }
        properties.put("privateLinkCount", connections.size());
        return document;
    }

    private static ObjectNode identity(JsonNode requested, String tenantId, JsonNode previous) {
        String type = requested.path("type").asText("SystemAssigned");
        List<String> allowed = List.of("SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", "None");
        String canonical = allowed.stream().filter(a -> a.equalsIgnoreCase(type.replace(" ", ""))).findFirst()
                .orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "identity.type must be one of "
                        + String.join(", ", allowed) + "; '" + type + "' was given."));
        ObjectNode identity = Json.object();
        identity.put("type", canonical);
        if (canonical.contains("SystemAssigned")) {
            String principal = previous != null && previous.hasNonNull("principalId")
                    ? previous.path("principalId").asText() : UUID.randomUUID().toString();
            identity.put("principalId", principal);
            identity.put("tenantId", tenantId);
        }
        if (canonical.contains("UserAssigned")) {
            ObjectNode users = identity.putObject("userAssignedIdentities");
            requested.path("userAssignedIdentities").fieldNames().forEachRemaining(name -> users.putObject(name)
                    .put("principalId", UUID.nameUUIDFromBytes(name.getBytes()).toString())
                    .put("clientId", UUID.nameUUIDFromBytes(("client" + name).getBytes()).toString()));
        }
        return identity;
    }

    private static String publicNetworkAccess(JsonNode requested, String fallback) {
        String value = requested.path("publicNetworkAccess").asText(fallback);
        if ("Enabled".equalsIgnoreCase(value)) {
            return "Enabled";
        }
        if ("Disabled".equalsIgnoreCase(value)) {
            return "Disabled";
        }
        throw new ArmException(ErrorCode.InvalidParameter, "public_network_access must be Enabled or Disabled; '"
                + value + "' was given.");
    }

    private static String systemDatastoresAuthMode(String value) {
        if ("accessKey".equalsIgnoreCase(value)) {
            return "accessKey";
        }
        if ("identity".equalsIgnoreCase(value)) {
            return "identity";
        }
        throw new ArmException(ErrorCode.InvalidParameter, "system_datastores_auth_mode must be accessKey or "
                + "identity; '" + value + "' was given.");
    }
}
