package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.control.storage.StorageAccountHandler;
import dev.amlite.control.workspace.WorkspaceSecrets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * Datastores (AS-1): Azure Blob containers, Azure file shares and Data Lake Gen2 filesystems registered in a
 * workspace with the credentials to reach them. Credentials go to the workspace's key vault; get and list show
 * only their type, {@code POST …/listSecrets} returns them to callers allowed that action. The two system
 * datastores made with a workspace read the storage account's current key instead of a stored copy, so they
 * never go stale when keys are regenerated.
 */
final class DatastoreHandler implements TrackedTypeHandler {
    static final String TYPE = AssetStorage.DATASTORE_TYPE;
    static final String BLOB_STORE = "workspaceblobstore";
    static final String FILE_STORE = "workspacefilestore";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,255}");
    /** The credential types each datastore type takes (the azureml SDK v2's rules) and the secrets each needs. */
    private static final Map<String, List<String>> CREDENTIALS = Map.of(
            "AzureBlob", List.of("AccountKey", "Sas", "None"),
            "AzureFile", List.of("AccountKey", "Sas"),
            "AzureDataLakeGen2", List.of("ServicePrincipal", "Certificate", "None"));
    private static final Map<String, String> LOCATION_MEMBER = Map.of(
            "AzureBlob", "containerName", "AzureFile", "fileShareName", "AzureDataLakeGen2", "filesystem");
    private static final Map<String, List<String>> SECRETS = Map.of(
            "AccountKey", List.of("key"), "Sas", List.of("sasToken"), "ServicePrincipal", List.of("clientSecret"),
            "Certificate", List.of("certificate"), "None", List.of());
    private static final Map<String, List<String>> CREDENTIAL_MEMBERS = Map.of(
            "ServicePrincipal", List.of("clientId", "tenantId"), "Certificate", List.of("clientId", "tenantId", "thumbprint"));
    private final TrackedResources tracked;
    private final WorkspaceSecrets secrets;
    private final StorageAccountHandler storage;
    private final AssetStorage assets;

    DatastoreHandler(TrackedResources tracked, WorkspaceSecrets secrets, StorageAccountHandler storage, AssetStorage assets) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.assets = requireNonNull(assets, "assets is null");
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        if (!NAME.matcher(id.name()).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, "Datastore name '" + id.name() + "' is invalid: use "
                    + "1 to 255 letters, digits and underscores.");
        }
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        ObjectNode requested = Documents.properties(body);
        Optional<StoredResource> current = placement.current();
        String type = requested.path("datastoreType").asText("");
        if (!CREDENTIALS.containsKey(type)) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.datastoreType must be one of "
                    + String.join(", ", CREDENTIALS.keySet().stream().sorted().toList()) + "; '" + type + "' was given.");
        }
        current.ifPresent(existing -> {
            String was = existing.document().path("properties").path("datastoreType").asText();
            if (!was.equals(type)) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Datastore '" + id.name() + "' is of type "
                        + was + "; a datastore cannot change type. Unregister it and register it again.");
            }
        });
        JsonNode credentials = requested.path("credentials");
        String credentialType = credentials.path("credentialsType").asText("");
        if (!CREDENTIALS.get(type).contains(credentialType)) {
            throw new ArmException(ErrorCode.InvalidParameter, "A " + type + " datastore takes credentials of type "
                    + String.join(", ", CREDENTIALS.get(type)) + "; '" + (credentialType.isEmpty() ? "(none given)"
                    : credentialType) + "' was given.");
        }
        String account = requested.path("accountName").asText("");
        String location = requested.path(LOCATION_MEMBER.get(type)).asText("");
        if (account.isBlank() || location.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "A " + type + " datastore needs properties.accountName "
                    + "and properties." + LOCATION_MEMBER.get(type) + ".");
        }
        ObjectNode secret = secretOf(credentialType, credentials, current, id);
        Optional<StoredResource> amliteAccount = assets.account(account);
        boolean skipValidation = "true".equalsIgnoreCase(request.queryParameter("skipValidation"));
        if (amliteAccount.isPresent() && !skipValidation && credentialType.equals("AccountKey")
                && secret.has("key") && !matchesAccountKey(amliteAccount.get().id(), secret.path("key").asText())) {
            throw new ArmException(ErrorCode.DatastoreValidationFailed, "The account key given for datastore '"
                    + id.name() + "' is neither key of storage account '" + account + "'. Get the current keys with "
                    + "'amlite storage account keys list -n " + account + "' (or pass skipValidation=true).");
        }
        StoredResource workspace = placement.parent();
        boolean makeDefault = requested.path("isDefault").asBoolean(false);
        boolean wasDefault = current.map(c -> c.document().path("properties").path("isDefault").asBoolean(false)).orElse(false);
        if (wasDefault && requested.has("isDefault") && !makeDefault) {
            throw new ArmException(ErrorCode.OperationNotAllowed, "Datastore '" + id.name() + "' is the workspace's "
                    + "default; make another datastore the default instead of unsetting this one.");
        }
        if (amliteAccount.isPresent() && type.equals("AzureBlob")) {
            assets.blobs().of(amliteAccount.get()).createContainer(location);
        }
        ObjectNode document = Json.object();
        ObjectNode properties = document.putObject("properties");
        properties.put("datastoreType", type);
        properties.put("accountName", account);
        properties.put(LOCATION_MEMBER.get(type), location);
        properties.put("endpoint", requested.path("endpoint").asText("core.windows.net"));
        properties.put("protocol", requested.path("protocol").asText("https"));
        properties.put("serviceDataAccessAuthIdentity", requested.path("serviceDataAccessAuthIdentity").asText("None"));
        properties.put("description", requested.path("description").asText(null));
        properties.set("tags", requested.path("tags").isObject() ? requested.get("tags") : Json.object());
        properties.set("properties", requested.path("properties").isObject() ? requested.get("properties") : Json.object());
        if (requested.has("resourceGroup") || requested.has("subscriptionId")) {
            properties.put("resourceGroup", requested.path("resourceGroup").asText(null));
            properties.put("subscriptionId", requested.path("subscriptionId").asText(null));
        }
        ObjectNode shownCredentials = properties.putObject("credentials").put("credentialsType", credentialType);
        for (String member : CREDENTIAL_MEMBERS.getOrDefault(credentialType, List.of())) {
            if (!credentials.path(member).isTextual()) {
                throw new ArmException(ErrorCode.InvalidParameter, credentialType + " credentials need "
                        + String.join(", ", CREDENTIAL_MEMBERS.get(credentialType)) + "; '" + member + "' is missing.");
            }
            shownCredentials.put(member, credentials.path(member).asText());
        }
        boolean system = current.map(c -> c.document().path("properties").path("properties").path("amlite.system")
                .asBoolean(false)).orElse(false) && credentialType.equals("AccountKey") && !secret.has("key");
        if (system) {
            properties.with("properties").put("amlite.system", "true");
        }
        properties.put("isDefault", makeDefault || wasDefault);
        if (!secret.isEmpty()) {
            secrets.put(request.caller(), workspace, secretName(id.name()), Json.write(secret));
        } else if (!system) {
            secrets.delete(workspace.id(), secretName(id.name()));
        }
        StoredResource saved = tracked.write(request.caller(), placement, document);
        if (makeDefault && !wasDefault) {
            clearOtherDefaults(request, workspace.id(), id);
        }
        return current.isEmpty() ? ArmResponse.created(present(saved)) : ArmResponse.ok(present(saved));
    }

    /** The secret part of the credentials: given now, or kept from before when an update leaves it out. */
    private ObjectNode secretOf(String credentialType, JsonNode credentials, Optional<StoredResource> current, ResourceId id) {
        ObjectNode secret = Json.object();
        JsonNode given = credentials.path("secrets");
        List<String> needed = SECRETS.get(credentialType);
        boolean anyGiven = needed.stream().anyMatch(given::hasNonNull);
        if (anyGiven) {
            for (String member : needed) {
                if (!given.path(member).isTextual() || given.path(member).asText().isBlank()) {
                    throw new ArmException(ErrorCode.InvalidParameter, credentialType + " credentials need "
                            + "credentials.secrets." + member + ".");
                }
                secret.put(member, given.path(member).asText());
            }
            secret.put("secretsType", credentialType);
            return secret;
        }
        if (needed.isEmpty()) {
            return secret;
        }
        boolean sameType = current.map(c -> c.document().path("properties").path("credentials").path("credentialsType")
                .asText().equals(credentialType)).orElse(false);
        if (sameType) {
            return secret; // unchanged: the stored secret (or the system datastore's live key) stays
        }
        throw new ArmException(ErrorCode.InvalidParameter, credentialType + " credentials need credentials.secrets."
                + needed.getFirst() + " for datastore '" + id.name() + "'.");
    }

    private boolean matchesAccountKey(ResourceId account, String key) {
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (String name : List.of("key1", "key2")) {
            Optional<String> actual = storage.key(account, name);
            match |= actual.isPresent() && MessageDigest.isEqual(actual.get().getBytes(StandardCharsets.UTF_8), given);
        }
        return match;
    }

    private void clearOtherDefaults(ArmRequest request, ResourceId workspace, ResourceId keep) {
        for (StoredResource other : tracked.store().listChildren(workspace, TYPE)) {
            if (!other.id().key().equals(keep.key()) && other.document().path("properties").path("isDefault").asBoolean(false)) {
                ObjectNode document = other.documentCopy();
                ((ObjectNode) document.path("properties")).put("isDefault", false);
                tracked.update(request.caller(), other, document);
            }
        }
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> datastore = tracked.deleting(request);
        if (datastore.isEmpty()) {
            return ArmResponse.noContent();
        }
        if (datastore.get().document().path("properties").path("isDefault").asBoolean(false)) {
            throw new ArmException(ErrorCode.OperationNotAllowed, "Datastore '" + request.resource().name() + "' is "
                    + "the workspace's default and cannot be unregistered; make another datastore the default first.");
        }
        secrets.delete(request.resource().parent(), secretName(request.resource().name()));
        tracked.store().deleteTree(request.resource());
        return ArmResponse.ok(null);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        if (!action.equalsIgnoreCase("listSecrets")) {
            return TrackedTypeHandler.super.action(request, action);
        }
        StoredResource datastore = tracked.existing(request.resource());
        StoredResource workspace = tracked.existing(request.resource().parent());
        JsonNode properties = datastore.document().path("properties");
        String credentialType = properties.path("credentials").path("credentialsType").asText();
        if (credentialType.equals("None")) {
            throw new ArmException(ErrorCode.InvalidParameter, "Datastore '" + datastore.id().name() + "' uses "
                    + "identity-based access (credentials None); it has no secrets to list.");
        }
        Optional<String> stored = secrets.get(workspace, secretName(datastore.id().name()));
        if (stored.isPresent()) {
            return ArmResponse.ok(Json.parse(stored.get()));
        }
        if (properties.path("properties").path("amlite.system").asBoolean(false)) {
            String account = properties.path("accountName").asText();
            StoredResource storageAccount = assets.account(account).orElseThrow(() -> new ArmException(
                    ErrorCode.LinkedResourceNotFound, "The storage account '" + account + "' of datastore '"
                    + datastore.id().name() + "' no longer exists."));
            return ArmResponse.ok(Json.object().put("secretsType", "AccountKey")
                    .put("key", storage.key(storageAccount.id(), "key1").orElseThrow()));
        }
        throw new ArmException(ErrorCode.SecretNotFound, "The credentials of datastore '" + datastore.id().name()
                + "' are missing from the workspace's key vault. Update the datastore with its credentials again.");
    }

    /** Makes workspaceblobstore and workspacefilestore for a new workspace, and follows its auth mode later. */
    void systemDatastores(ArmRequest request, StoredResource workspace, boolean created) {
        JsonNode properties = workspace.document().path("properties");
        String credentialType = "identity".equalsIgnoreCase(properties.path("systemDatastoresAuthMode").asText("accessKey"))
                ? "None" : "AccountKey";
        ResourceId storageId = ResourceId.parse(properties.path("storageAccount").asText());
        StoredResource account = tracked.existing(storageId);
        String guid = properties.path("workspaceId").asText();
        boolean hasFiles = StorageAccountHandler.fileEnabled(account.document().path("kind").asText("StorageV2"));
        for (String name : hasFiles ? List.of(BLOB_STORE, FILE_STORE) : List.of(BLOB_STORE)) {
            ResourceId id = workspace.id().child("datastores", name);
            Optional<StoredResource> existing = tracked.store().get(id);
            if (!created && (existing.isEmpty() || !existing.get().document().path("properties").path("properties")
                    .path("amlite.system").asBoolean(false))) {
                continue;
            }
            if (existing.isPresent() && existing.get().document().path("properties").path("credentials")
                    .path("credentialsType").asText().equals(credentialType)) {
                continue;
            }
            boolean blob = name.equals(BLOB_STORE);
            if (blob) {
                assets.blobs().of(account).createContainer(containerName(guid));
            }
            ObjectNode document = existing.map(StoredResource::documentCopy).orElseGet(Json::object);
            ObjectNode p = document.with("properties");
            p.put("datastoreType", blob ? "AzureBlob" : "AzureFile");
            p.put("accountName", storageId.name());
            p.put("subscriptionId", storageId.subscriptionId());
            p.put("resourceGroup", storageId.resourceGroup());
            p.put(blob ? "containerName" : "fileShareName", blob ? containerName(guid) : "azureml-filestore-" + guid);
            p.put("endpoint", "core.windows.net");
            p.put("protocol", "https");
            p.put("serviceDataAccessAuthIdentity", "None");
            p.put("isDefault", existing.map(e -> e.document().path("properties").path("isDefault").asBoolean(false))
                    .orElse(blob));
            p.putObject("credentials").put("credentialsType", credentialType);
            p.with("properties").put("amlite.system", "true");
            p.with("tags");
            if (existing.isPresent()) {
                tracked.update(request.caller(), existing.get(), document);
            } else {
                tracked.write(request.caller(), tracked.place(request, id, Json.object()), document);
            }
        }
    }

    static String containerName(String workspaceGuid) {
        return "azureml-blobstore-" + workspaceGuid.toLowerCase(Locale.ROOT);
    }

    static String secretName(String datastore) {
        return WorkspaceSecrets.name("datastore", datastore);
    }

    @Override
    public ObjectNode present(StoredResource datastore) {
        return TrackedTypeHandler.withoutEtag(datastore);
    }
}
