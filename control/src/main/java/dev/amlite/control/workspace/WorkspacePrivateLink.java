package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.network.PrivateEndpointHandler;
import dev.amlite.control.network.PrivateLinkTargets;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * The workspace side of private link (WS-7): the {@code amlworkspace} private link resource, and private endpoint
 * connections that a private endpoint creates (approved at once when its creator may approve, else Pending) and
 * the workspace's owner approves, rejects or deletes. States are mirrored onto the endpoint, as Azure does.
 */
public final class WorkspacePrivateLink implements ResourceTypeHandler, PrivateLinkTargets {
    public static final String GROUP_ID = "amlworkspace";
    static final String APPROVAL_ACTION = WorkspaceHandler.TYPE + "/privateEndpointConnectionsApproval/action";
    private static final List<String> STATES = List.of("Approved", "Rejected", "Pending", "Disconnected");
    private final TrackedResources tracked;
    private final Authorizer authorizer;

    WorkspacePrivateLink(TrackedResources tracked, Authorizer authorizer) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public Connection connect(ArmRequest request, ResourceId target, List<String> groupIds, ResourceId privateEndpoint,
                              String connectionName, boolean manual, String requestMessage) {
        if (!target.type().equalsIgnoreCase(WorkspaceHandler.TYPE)) {
            throw new ArmException(ErrorCode.InvalidParameter, "Private link is offered by Machine Learning workspaces "
                    + "here; '" + target.id() + "' is a " + target.type() + ".");
        }
        StoredResource workspace = tracked.store().get(target).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidResourceReference, "The private link resource '" + target.id() + "' was not found."));
        if (groupIds.size() != 1 || !groupIds.getFirst().equalsIgnoreCase(GROUP_ID)) {
            throw new ArmException(ErrorCode.InvalidParameter, "A workspace's private link group id is '" + GROUP_ID
                    + "'; '" + String.join(",", groupIds) + "' was given (--group-id " + GROUP_ID + ").");
        }
        boolean approve = !manual && authorizer.allows(request.caller().objectId(), APPROVAL_ACTION, target);
        String status = approve ? "Approved" : "Pending";
        String description = approve ? "Auto-Approved" : (requestMessage == null ? "Awaiting approval" : requestMessage);
        ResourceId id = connectionId(target, privateEndpoint);
        ObjectNode document = connectionDocument(privateEndpoint, status, description);
        tracked.write(request.caller(), new TrackedResources.Placement(id, WorkspaceHandler.PE_CONNECTION_TYPE,
                workspace.location(), Json.object(), workspace, Optional.empty()), document);
        return new Connection(status, description, fqdns(workspace));
    }

    @Override
    public void disconnect(ResourceId target, ResourceId privateEndpoint) {
        for (StoredResource connection : tracked.store().listChildren(target, WorkspaceHandler.PE_CONNECTION_TYPE)) {
            if (connection.document().path("properties").path("privateEndpoint").path("id").asText()
                    .equalsIgnoreCase(privateEndpoint.id())) {
                tracked.store().deleteTree(connection.id());
            }
        }
    }

    /** The id of a new connection of {@code privateEndpoint} to the workspace {@code target}. */
    public static ResourceId connectionId(ResourceId target, ResourceId privateEndpoint) {
        return target.child("privateEndpointConnections", privateEndpoint.name() + "." + UUID.randomUUID());
    }

    /** A private endpoint connection's document: the endpoint it comes from and its state. */
    public static ObjectNode connectionDocument(ResourceId privateEndpoint, String status, String description) {
        ObjectNode document = Json.object();
        ObjectNode properties = document.putObject("properties");
        properties.putObject("privateEndpoint").put("id", privateEndpoint.id());
        properties.putObject("privateLinkServiceConnectionState").put("status", status)
                .put("description", description).put("actionsRequired", "None");
        properties.put("provisioningState", "Succeeded");
        return document;
    }

    /** The names a client resolves to reach the workspace, which DNS zone groups turn into A records. */
    static List<String> fqdns(StoredResource workspace) {
        String guid = workspace.document().path("properties").path("workspaceId").asText();
        String region = workspace.location();
        return List.of(guid + ".workspace." + region + ".api.azureml.ms",
                guid + ".workspace." + region + ".cert.api.azureml.ms",
                "ml-" + workspace.id().name().toLowerCase(Locale.ROOT) + "-" + region + "-" + guid + "." + region
                        + ".notebooks.azure.net");
    }

    // --- privateEndpointConnections as an ARM child of the workspace

    @Override
    public ArmResponse get(ArmRequest request) {
        return ArmResponse.ok(present(tracked.existing(request.resource())));
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        return ArmResponse.list(tracked.list(request.resource(), WorkspaceHandler.PE_CONNECTION_TYPE).stream()
                .map(WorkspacePrivateLink::present).toList());
    }

    /** Approve, reject or disconnect: {@code properties.privateLinkServiceConnectionState.status}. */
    @Override
    public ArmResponse put(ArmRequest request) {
        StoredResource connection = tracked.store().get(request.resource()).orElseThrow(() -> new ArmException(
                ErrorCode.ResourceNotFound, "Private endpoint connection '" + request.resource().name() + "' does not "
                + "exist. Connections are made by creating a private endpoint ('amlite network private-endpoint "
                + "create ... --private-connection-resource-id <workspace id> --group-id amlworkspace')."));
        var state = request.bodyObject().path("properties").path("privateLinkServiceConnectionState");
        String wanted = STATES.stream().filter(s -> s.equalsIgnoreCase(state.path("status").asText()))
                .findFirst().orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "privateLinkServiceConnection"
                        + "State.status must be one of Approved, Rejected, Disconnected; '" + state.path("status").asText()
                        + "' was given."));
        String now = connection.document().path("properties").path("privateLinkServiceConnectionState").path("status").asText();
        if (!now.equals(wanted) && (now.equals("Rejected") || now.equals("Disconnected"))) {
            throw new ArmException(ErrorCode.Conflict, "Private endpoint connection '" + connection.id().name()
                    + "' is " + now + " and cannot become " + wanted + ". Delete the private endpoint and create it "
                    + "again to request a new connection.");
        }
        if (wanted.equals("Pending") && !now.equals("Pending")) {
            throw new ArmException(ErrorCode.InvalidParameter, "A connection cannot be set back to Pending.");
        }
        ObjectNode document = connection.documentCopy();
        String description = state.path("description").asText(wanted);
        ((ObjectNode) document.path("properties").path("privateLinkServiceConnectionState"))
                .put("status", wanted).put("description", description);
        StoredResource saved = tracked.update(request.caller(), connection, document);
        PrivateEndpointHandler.mirrorState(tracked.store(), endpointOf(saved), request.resource().parent(), wanted,
                description);
        return ArmResponse.ok(present(saved));
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> connection = tracked.deleting(request);
        if (connection.isEmpty()) {
            return ArmResponse.noContent();
        }
        PrivateEndpointHandler.mirrorState(tracked.store(), endpointOf(connection.get()), request.resource().parent(),
                "Disconnected", "Deleted by the workspace owner");
        tracked.store().deleteTree(request.resource());
        return ArmResponse.ok(null);
    }

    private static ResourceId endpointOf(StoredResource connection) {
        return ResourceId.parse(connection.document().path("properties").path("privateEndpoint").path("id").asText());
    }

    static ObjectNode present(StoredResource connection) {
        ObjectNode document = connection.documentCopy();
        document.remove("etag");
        return document;
    }

    /** {@code GET …/workspaces/{w}/privateLinkResources}: the one group a workspace offers. */
    static ResourceTypeHandler linkResources(TrackedResources tracked) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                StoredResource workspace = tracked.existing(request.resource());
                ObjectNode resource = Json.object();
                resource.put("id", workspace.id().id() + "/privateLinkResources/" + GROUP_ID);
                resource.put("name", GROUP_ID);
                resource.put("type", WorkspaceHandler.TYPE + "/privateLinkResources");
                ObjectNode properties = resource.putObject("properties");
                properties.put("groupId", GROUP_ID);
                properties.putArray("requiredMembers").add("api").add("notebook");
                properties.putArray("requiredZoneNames").add("privatelink.api.azureml.ms").add("privatelink.notebooks.azure.net");
                return ArmResponse.list(List.of(resource));
            }
        };
    }
}
