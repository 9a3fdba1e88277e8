package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * Workspace connections (WS-9): category, target, auth type and the connection's secret part (credentials, or
 * seed 003's JSON {@code value}). The secret part goes to the workspace's key vault as secret
 * {@code connection-<name>} — encrypted with the workspace's data key first when it has a customer-managed key —
 * and is returned only by {@code POST …/listsecrets}; get and list never carry it.
 */
final class ConnectionHandler implements TrackedTypeHandler {
    static final String TYPE = WorkspaceHandler.TYPE + "/connections";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");
    private static final List<String> AUTH_TYPES = List.of("None", "PAT", "ManagedIdentity", "UsernamePassword", "SAS",
            "ServicePrincipal", "AccessKey", "ApiKey", "CustomKeys", "OAuth2", "AAD", "AccountKey");
    /** Which credential members each auth type needs (Azure's WorkspaceConnection*Credential shapes). */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "PAT", List.of("pat"),
            "UsernamePassword", List.of("username", "password"),
            "SAS", List.of("sas"),
            "ServicePrincipal", List.of("clientId", "clientSecret", "tenantId"),
            "AccessKey", List.of("accessKeyId", "secretAccessKey"),
            "ApiKey", List.of("key"),
            "CustomKeys", List.of("keys"),
            "AccountKey", List.of("key"));
    private final TrackedResources tracked;
    private final WorkspaceSecrets secrets;

    ConnectionHandler(TrackedResources tracked, WorkspaceSecrets secrets) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
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
    public ArmResponse list(ArmRequest request) {
        String target = request.queryParameter("target");
        String category = request.queryParameter("category");
        return ArmResponse.list(tracked.list(request.resource(), TYPE).stream()
                .filter(c -> target == null || target.equalsIgnoreCase(c.document().path("properties").path("target").asText()))
                .filter(c -> category == null || category.equalsIgnoreCase(c.document().path("properties").path("category").asText()))
                .map(this::present).toList());
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        if (!NAME.matcher(id.name()).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, "Connection name '" + id.name() + "' is invalid: use "
                    + "1 to 255 ASCII letters, digits, hyphens and underscores, starting with a letter or digit."
                    + Names.nonAsciiHint(id.name()));
        }
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        StoredResource workspace = placement.parent();
        ObjectNode requested = Documents.properties(body);
        String category = requested.path("category").asText("");
        if (category.isBlank()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.category is required (e.g. "
                    + "PythonFeed, ContainerRegistry, Git, AzureBlob, ApiKey, CustomKeys).");
        }
        String target = requested.path("target").asText("");
        if (target.isBlank()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.target is required: what the "
                    + "connection connects to (a URL, host or resource id).");
        }
        String authType = AUTH_TYPES.stream().filter(a -> a.equalsIgnoreCase(requested.path("authType").asText("None")))
                .findFirst().orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "properties.authType must "
                        + "be one of " + String.join(", ", AUTH_TYPES) + "; '" + requested.path("authType").asText()
                        + "' was given."));
        JsonNode credentials = requested.path("credentials");
        boolean hasValue = requested.hasNonNull("value");
        for (String member : REQUIRED.getOrDefault(authType, List.of())) {
            if (!hasValue && !credentials.hasNonNull(member)) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "Auth type " + authType + " needs "
                        + "properties.credentials." + member + " (needed: " + String.join(", ",
                        REQUIRED.get(authType)) + ").");
            }
        }
        ObjectNode secret = Json.object();
        if (credentials.isObject()) {
            secret.set("credentials", credentials);
        }
        if (hasValue) {
            secret.set("value", requested.get("value"));
        }
        secrets.put(request.caller(), workspace, secretName(id.name()), Json.write(secret));
        ObjectNode document = Json.object();
        ObjectNode properties = document.putObject("properties");
        properties.put("category", category);
        properties.put("target", target);
        properties.put("authType", authType);
        properties.put("valueFormat", requested.path("valueFormat").asText("JSON"));
        for (String member : List.of("metadata", "expiryTime", "isSharedToAll", "sharedUserList")) {
            if (requested.has(member)) {
                properties.set(member, requested.get(member));
            }
        }
        properties.put("createdByWorkspaceArmId", workspace.id().id());
        // The REST contract answers 200 for both creation and update of a connection.
        return ArmResponse.ok(present(tracked.write(request.caller(), placement, document)));
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> connection = tracked.deleting(request);
        if (connection.isEmpty()) {
            return ArmResponse.noContent();
        }
        secrets.delete(request.resource().parent(), secretName(request.resource().name()));
        tracked.store().deleteTree(request.resource());
        return ArmResponse.ok(null);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        if (!action.equalsIgnoreCase("listsecrets")) {
            return TrackedTypeHandler.super.action(request, action);
        }
        StoredResource connection = tracked.existing(request.resource());
        StoredResource workspace = tracked.existing(request.resource().parent());
        String stored = secrets.get(workspace, secretName(connection.id().name())).orElseThrow(() ->
                new ArmException(ErrorCode.SecretNotFound, "The secret of connection '" + connection.id().name()
                        + "' is missing from key vault '" + secrets.keyVaultOf(workspace).name() + "'. Set the "
                        + "connection again to store it."));
        JsonNode secret = Json.parse(stored);
        ObjectNode shown = present(connection);
        ObjectNode properties = (ObjectNode) shown.path("properties");
        if (secret.has("credentials")) {
            properties.set("credentials", secret.get("credentials"));
        }
        if (secret.has("value")) {
            properties.set("value", secret.get("value"));
        }
        return ArmResponse.ok(shown);
    }

    static String secretName(String connectionName) {
        return WorkspaceSecrets.name("connection", connectionName);
    }

    @Override
    public ObjectNode present(StoredResource connection) {
        return TrackedTypeHandler.withoutEtag(connection);
    }
}
