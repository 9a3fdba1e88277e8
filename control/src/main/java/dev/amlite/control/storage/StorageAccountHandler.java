package dev.amlite.control.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.control.blob.BlobAccounts;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import dev.amlite.store.blob.AzureBlobStore;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.Storage/storageAccounts}: sku, kind, the blob/file services the kind offers, hierarchical
 * namespace, and two access keys that can be listed and regenerated. Keys live sealed in the secret store; the
 * document only records when each was made, which is how a workspace notices that its copy is stale.
 */
public final class StorageAccountHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.Storage/storageAccounts";
    static final List<String> SKUS = List.of("Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS",
            "Standard_GZRS", "Standard_RAGZRS", "Premium_LRS", "Premium_ZRS");
    static final List<String> KINDS = List.of("StorageV2", "Storage", "BlobStorage", "BlockBlobStorage", "FileStorage");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]{3,24}");
    private static final List<String> KEY_NAMES = List.of("key1", "key2");

    private final TrackedResources tracked;
    private final ResourceSecrets secrets;
    private final Consumer<ResourceId> beforeDelete;

    /**
     * {@code beforeDelete} may refuse a delete (by throwing): the features that keep files in accounts say which
     * accounts may not go.
     */
    public StorageAccountHandler(TrackedResources tracked, ResourceSecrets secrets, Consumer<ResourceId> beforeDelete) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.beforeDelete = requireNonNull(beforeDelete, "beforeDelete is null");
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        if (tracked.store().exists(request.resource())) {
            beforeDelete.accept(request.resource());
        }
        return TrackedTypeHandler.super.delete(request);
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
        checkName(id.name());
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        tracked.otherHolderOfName(id).ifPresent(other -> {
            throw new ArmException(ErrorCode.StorageAccountAlreadyTaken, "The storage account named " + id.name()
                    + " is already taken. Storage account names are unique across amlite; pick another name.");
        });
        String sku = choice(body.path("sku").path("name").asText("Standard_LRS"), SKUS, "sku.name");
        String kind = choice(body.path("kind").asText("StorageV2"), KINDS, "kind");
        ObjectNode requested = Documents.properties(body);
        boolean hns = requested.path("isHnsEnabled").asBoolean(false);
        if (placement.current().isPresent()) {
            ObjectNode existing = placement.current().get().document();
            if (existing.path("properties").path("isHnsEnabled").asBoolean(false) != hns && requested.has("isHnsEnabled")) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Changing property 'isHnsEnabled' is not "
                        + "allowed: hierarchical namespace is chosen when a storage account is created.");
            }
            hns = existing.path("properties").path("isHnsEnabled").asBoolean(false);
        }
        if (hns && !(kind.equals("StorageV2") || kind.equals("BlockBlobStorage"))) {
            throw new ArmException(ErrorCode.InvalidParameter, "Hierarchical namespace needs kind StorageV2 or "
                    + "BlockBlobStorage; kind '" + kind + "' was given.");
        }
        AzureBlobStore.ConnectionString external = externalService(requested);
        if (external != null && !blobEnabled(kind)) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.amliteBlobService needs a kind with a blob "
                    + "service; kind '" + kind + "' has none.");
        }
        String base = request.baseUrl() + "/storage/" + id.name();
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        document.putObject("sku").put("name", sku).put("tier", sku.startsWith("Premium") ? "Premium" : "Standard");
        document.put("kind", kind);
        ObjectNode properties = document.putObject("properties");
        properties.put("provisioningState", "Succeeded");
        properties.put("isHnsEnabled", hns);
        properties.put("minimumTlsVersion", "TLS1_2");
        properties.put("supportsHttpsTrafficOnly", true);
        properties.put("allowBlobPublicAccess", requested.path("allowBlobPublicAccess").asBoolean(false));
        properties.put("publicNetworkAccess", requested.path("publicNetworkAccess").asText("Enabled"));
        if (!kind.equals("BlockBlobStorage") && !kind.equals("FileStorage")) {
            properties.put("accessTier", requested.path("accessTier").asText("Hot"));
        }
        ObjectNode endpoints = properties.putObject("primaryEndpoints");
        ObjectNode services = properties.putObject("encryption").put("keySource", "Microsoft.Storage").putObject("services");
        if (external != null) {
            endpoints.put("blob", external.blobEndpoint() + "/");
            properties.putObject("amliteBlobService").put("accountName", external.accountName())
                    .put("blobEndpoint", external.blobEndpoint());
            services.putObject("blob").put("enabled", true).put("keyType", "Account");
        } else if (blobEnabled(kind)) {
            endpoints.put("blob", base + "/blob/");
            endpoints.put("dfs", base + "/dfs/");
            services.putObject("blob").put("enabled", true).put("keyType", "Account");
        }
        if (fileEnabled(kind)) {
            endpoints.put("file", base + "/file/");
            services.putObject("file").put("enabled", true).put("keyType", "Account");
        }
        properties.put("primaryLocation", placement.location());
        properties.put("statusOfPrimary", "available");
        String now = tracked.clock().instant().toString();
        if (placement.current().isEmpty()) {
            properties.put("creationTime", now);
            ObjectNode keyTimes = properties.putObject("keyCreationTime");
            for (String keyName : KEY_NAMES) {
                secrets.put(id, keyName, secrets.newKey(64));
                keyTimes.put(keyName, now);
            }
        } else {
            JsonNode previous = placement.current().get().document().path("properties");
            properties.set("creationTime", previous.get("creationTime"));
            properties.set("keyCreationTime", previous.get("keyCreationTime"));
            if (external == null && previous.has("amliteBlobService")) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "This account's blobs live in an external "
                        + "blob service; give properties.amliteBlobService.connectionString again (to rotate it), "
                        + "since the service cannot be changed back to amlite's own.");
            }
        }
        if (external != null) {
            // The external service's key is the account key: clients given it (datastore secrets) talk to the
            // service directly.
            secrets.put(id, BlobAccounts.CONNECTION_SECRET, requested.path("amliteBlobService").path("connectionString").asText());
            secrets.put(id, "key1", external.accountKey());
            ((ObjectNode) properties.path("keyCreationTime")).put("key1", now);
        }
        return tracked.save(request.caller(), placement, document, row -> present(row, request));
    }

    /** The document, with the endpoints amlite serves at the address {@code request} reached. */
    @Override
    public ObjectNode present(StoredResource row, ArmRequest request) {
        ObjectNode document = row.documentCopy();
        ObjectNode properties = (ObjectNode) document.path("properties");
        if (!properties.has("amliteBlobService") && properties.path("primaryEndpoints") instanceof ObjectNode endpoints) {
            endpoints.fieldNames().forEachRemaining(service -> endpoints.put(service,
                    ServedUrls.rebase(endpoints.path(service).asText(), request.baseUrl())));
        }
        return document;
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = tracked.changing(request);
        ObjectNode body = request.bodyObject();
        ObjectNode document = current.documentCopy();
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        if (body.path("sku").has("name")) {
            String sku = choice(body.path("sku").path("name").asText(), SKUS, "sku.name");
            if (sku.startsWith("Premium") != document.path("sku").path("name").asText().startsWith("Premium")) {
                throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "A storage account cannot change between "
                        + "Standard and Premium performance; create a new account.");
            }
            document.putObject("sku").put("name", sku).put("tier", sku.startsWith("Premium") ? "Premium" : "Standard");
        }
        JsonNode properties = body.path("properties");
        if (properties.has("isHnsEnabled")) {
            throw new ArmException(ErrorCode.PropertyChangeNotAllowed, "Changing property 'isHnsEnabled' is not "
                    + "allowed: hierarchical namespace is chosen when a storage account is created.");
        }
        for (String member : List.of("publicNetworkAccess", "allowBlobPublicAccess", "accessTier")) {
            if (properties.has(member)) {
                ((ObjectNode) document.path("properties")).set(member, properties.get(member));
            }
        }
        return ArmResponse.ok(present(tracked.update(request.caller(), current, document), request));
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        StoredResource account = tracked.existing(request.resource());
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "listkeys" -> ArmResponse.ok(keys(account));
            case "regeneratekey" -> {
                if (account.document().path("properties").has("amliteBlobService")) {
                    throw new ArmException(ErrorCode.OperationNotAllowed, "The keys of '" + account.id().name()
                            + "' belong to its external blob service (" + account.document().path("properties")
                            .path("amliteBlobService").path("blobEndpoint").asText() + "); regenerate them there and "
                            + "update the account with the new connection string.");
                }
                String keyName = request.bodyObject().path("keyName").asText("");
                if (!KEY_NAMES.contains(keyName)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "keyName must be 'key1' or 'key2'; '"
                            + keyName + "' was given.");
                }
                secrets.put(account.id(), keyName, secrets.newKey(64));
                ObjectNode document = account.documentCopy();
                ((ObjectNode) document.path("properties").path("keyCreationTime"))
                        .put(keyName, tracked.clock().instant().toString());
                yield ArmResponse.ok(keys(tracked.update(request.caller(), account, document)));
            }
            default -> TrackedTypeHandler.super.action(request, action);
        };
    }

    /** The current value of an account key, for a workspace that uses the account; empty when it is gone. */
    public java.util.Optional<String> key(ResourceId account, String keyName) {
        return tracked.store().exists(account) ? secrets.get(account, keyName) : java.util.Optional.empty();
    }

    private ObjectNode keys(StoredResource account) {
        ObjectNode result = Json.object();
        ArrayNode keys = result.putArray("keys");
        for (String keyName : KEY_NAMES) {
            keys.addObject().put("keyName", keyName).put("value", secrets.require(account.id(), keyName))
                    .put("permissions", "FULL")
                    .put("creationTime", account.document().path("properties").path("keyCreationTime").path(keyName).asText());
        }
        return result;
    }

    /** An external blob service named in the request, checked; null when the account keeps its blobs in amlite. */
    private static AzureBlobStore.ConnectionString externalService(JsonNode requested) {
        JsonNode service = requested.path("amliteBlobService");
        if (service.isMissingNode() || service.isNull()) {
            return null;
        }
        String connection = service.path("connectionString").asText("");
        if (connection.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.amliteBlobService.connectionString is "
                    + "required: an Azure storage connection string (AccountName, AccountKey, BlobEndpoint).");
        }
        try {
            return AzureBlobStore.ConnectionString.parse(connection);
        } catch (IllegalArgumentException e) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.amliteBlobService.connectionString is not "
                    + "usable: " + e.getMessage());
        }
    }

    public static boolean blobEnabled(String kind) {
        return !kind.equals("FileStorage");
    }

    public static boolean fileEnabled(String kind) {
        return kind.equals("StorageV2") || kind.equals("Storage") || kind.equals("FileStorage");
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ArmException(ErrorCode.AccountNameInvalid, name + " is not a valid storage account name. "
                    + "Storage account name must be between 3 and 24 characters in length and use numbers and "
                    + "lower-case letters only." + dev.amlite.core.Names.nonAsciiHint(name));
        }
    }

    static String choice(String value, List<String> allowed, String member) {
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst().orElseThrow(() ->
                new ArmException(ErrorCode.InvalidParameter, "The value '" + value + "' is not valid for " + member
                        + ". Allowed values: " + String.join(", ", allowed) + "."));
    }
}
