package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.network.Cidr;
import dev.amlite.control.network.Subnets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * WS-7's rule: with public network access disabled, requests on a workspace's contents (connections, assets,
 * everything below it) must come through an approved private endpoint — from an address in the subnet of one.
 * The workspace resource itself and its private endpoint connections stay reachable through ARM, as in Azure, so
 * that an owner can always re-enable access or approve an endpoint.
 */
public final class NetworkGate {
    private final ResourceStore store;

    NetworkGate(ResourceStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public void check(ArmRequest request, ResourceId workspaceId) {
        Optional<StoredResource> workspace = store.get(workspaceId);
        workspace.ifPresent(NetworkGate::refuseWhileMoving);
        if (workspace.isEmpty()
                || !"Disabled".equalsIgnoreCase(workspace.get().document().path("properties").path("publicNetworkAccess").asText())) {
            return;
        }
        String address = request.clientAddress();
        if (reachesPrivately(workspaceId, address)) {
            return;
        }
        throw new ArmException(ErrorCode.PublicNetworkAccessDisabled, "Public network access to workspace '"
                + workspaceId.name() + "' is disabled, and this request came from " + address + ", which is not in "
                + "the subnet of an approved private endpoint of the workspace. Connect through a private endpoint "
                + "('amlite network private-endpoint create ... --group-id amlworkspace') or enable public access "
                + "('amlite ml workspace update -n " + workspaceId.name() + " -g " + workspaceId.resourceGroup()
                + " --public-network-access Enabled').");
    }

    /** MV-5: while a workspace moves, every request on it and its contents is refused with 409. */
    public static void refuseWhileMoving(StoredResource workspace) {
        JsonNode moving = workspace.document().path("properties").path("amliteMoving");
        if (moving.isObject()) {
            throw new ArmException(ErrorCode.WorkspaceMoving, "Workspace '" + workspace.id().name() + "' is moving to '"
                    + moving.path("target").asText() + "' (operation " + moving.path("operation").asText() + "); "
                    + "retry when the move has ended.");
        }
    }

    /** The workspace resource itself refuses requests while it moves; its network rule does not apply to it. */
    public ResourceTypeHandler movingGuard(ResourceTypeHandler handler) {
        return gated(handler, request -> workspaceOf(request.resource()).flatMap(store::get)
                .ifPresent(NetworkGate::refuseWhileMoving));
    }

    /** Whether {@code address} is in the subnet of an approved private endpoint of the workspace. */
    public boolean reachesPrivately(ResourceId workspaceId, String address) {
        for (StoredResource connection : store.listChildren(workspaceId, WorkspaceHandler.PE_CONNECTION_TYPE)) {
            JsonNode properties = connection.document().path("properties");
            if (!"Approved".equals(properties.path("privateLinkServiceConnectionState").path("status").asText())) {
                continue;
            }
            Optional<StoredResource> endpoint = store.get(ResourceId.parse(properties.path("privateEndpoint").path("id").asText()));
            if (endpoint.isEmpty()) {
                continue;
            }
            String subnet = endpoint.get().document().path("properties").path("subnet").path("id").asText(null);
            Optional<String> prefix = subnet == null ? Optional.empty() : Subnets.addressPrefix(store, ResourceId.parse(subnet));
            if (prefix.isPresent() && address != null && Cidr.parse(prefix.get()).contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The workspace a resource lives in, if any. */
    static Optional<ResourceId> workspaceOf(ResourceId id) {
        for (ResourceId current = id; current != null && !current.isRoot(); current = current.parent()) {
            if (current.type() != null && current.type().equalsIgnoreCase(WorkspaceHandler.TYPE)) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }

    /** Wraps the handler of a type below workspaces so that every request on it passes the gate first. */
    public ResourceTypeHandler guard(ResourceTypeHandler handler) {
        return gated(handler, request -> workspaceOf(request.resource()).ifPresent(ws -> check(request, ws)));
    }

    /** {@code handler} with {@code gate} run before every method. */
    private static ResourceTypeHandler gated(ResourceTypeHandler handler, java.util.function.Consumer<ArmRequest> gate) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse get(ArmRequest request) {
                gate.accept(request);
                return handler.get(request);
            }

            @Override
            public ArmResponse put(ArmRequest request) {
                gate.accept(request);
                return handler.put(request);
            }

            @Override
            public ArmResponse patch(ArmRequest request) {
                gate.accept(request);
                return handler.patch(request);
            }

            @Override
            public ArmResponse delete(ArmRequest request) {
                gate.accept(request);
                return handler.delete(request);
            }

            @Override
            public ArmResponse list(ArmRequest request) {
                gate.accept(request);
                return handler.list(request);
            }

            @Override
            public ArmResponse action(ArmRequest request, String action) {
                gate.accept(request);
                return handler.action(request, action);
            }
        };
    }
}
