package dev.amlite.control.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.Network/privateEndpoints} (WS-7): an endpoint in a subnet, with an address from the subnet's
 * prefix, connected to a private-link resource through {@code privateLinkServiceConnections} (approved at once
 * when the caller may approve) or {@code manualPrivateLinkServiceConnections} (pending until the resource's owner
 * approves). Requests from the subnet's addresses count as coming through the endpoint.
 */
public final class PrivateEndpointHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.Network/privateEndpoints";
    private final TrackedResources tracked;
    private final PrivateLinkTargets targets;

    public PrivateEndpointHandler(TrackedResources tracked, PrivateLinkTargets targets) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.targets = requireNonNull(targets, "targets is null");
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
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, body);
        if (placement.current().isPresent()) {
            ObjectNode document = placement.current().get().documentCopy();
            document.set("tags", placement.tags());
            return tracked.save(request.caller(), placement, document, StoredResource::documentCopy);
        }
        ObjectNode requested = Documents.properties(body);
        String subnetText = requested.path("subnet").path("id").asText(null);
        if (subnetText == null) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.subnet.id is required: the subnet the "
                    + "private endpoint gets its address from (--vnet-name and --subnet).");
        }
        ResourceId subnet = ResourceId.parse(subnetText);
        String prefix = Subnets.addressPrefix(tracked.store(), subnet).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidResourceReference, "Subnet '" + subnet.id() + "' referenced by private endpoint '"
                + request.resource().name() + "' was not found. Create the virtual network and subnet first: "
                + "'amlite network vnet create -g " + subnet.resourceGroup() + " -n " + subnet.parent().name()
                + " --subnet-name " + subnet.name() + "'."));
        String address = nextAddress(subnet, prefix);
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        ObjectNode properties = document.putObject("properties");
        properties.putObject("subnet").put("id", subnet.id());
        properties.putArray("networkInterfaces").addObject().put("id", ResourceId.resourceGroup(
                request.resource().subscriptionId(), request.resource().resourceGroup())
                .provider("Microsoft.Network", "networkInterfaces", request.resource().name() + ".nic."
                        + UUID.randomUUID()).id());
        properties.put("ipAddress", address);
        ArrayNode dnsConfigs = properties.putArray("customDnsConfigs");
        List<ResourceId> connected = new ArrayList<>();
        try {
            for (String member : List.of("privateLinkServiceConnections", "manualPrivateLinkServiceConnections")) {
                ArrayNode shown = properties.putArray(member);
                for (JsonNode connection : requested.path(member)) {
                    shown.add(connect(request, connection, member.startsWith("manual"), address, dnsConfigs, connected));
                }
            }
            if (properties.path("privateLinkServiceConnections").isEmpty()
                    && properties.path("manualPrivateLinkServiceConnections").isEmpty()) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "A private endpoint needs one connection in "
                        + "privateLinkServiceConnections or manualPrivateLinkServiceConnections "
                        + "(--private-connection-resource-id, --group-id, --connection-name).");
            }
            properties.put("provisioningState", "Succeeded");
            return tracked.save(request.caller(), placement, document, StoredResource::documentCopy);
        } catch (RuntimeException e) {
            connected.forEach(target -> targets.disconnect(target, request.resource()));
            throw e;
        }
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        var endpoint = tracked.deleting(request);
        if (endpoint.isEmpty()) {
            return ArmResponse.noContent();
        }
        JsonNode properties = endpoint.get().document().path("properties");
        for (String member : List.of("privateLinkServiceConnections", "manualPrivateLinkServiceConnections")) {
            for (JsonNode connection : properties.path(member)) {
                String target = connection.path("properties").path("privateLinkServiceId").asText(null);
                if (target != null) {
                    targets.disconnect(ResourceId.parse(target), endpoint.get().id());
                }
            }
        }
        tracked.store().deleteTree(request.resource());
        return ArmResponse.ok(null);
    }

    private ObjectNode connect(ArmRequest request, JsonNode connection, boolean manual, String address,
                               ArrayNode dnsConfigs, List<ResourceId> connected) {
        JsonNode connectionProperties = connection.path("properties");
        String target = connectionProperties.path("privateLinkServiceId").asText(null);
        if (target == null) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "Each private link service connection needs "
                    + "properties.privateLinkServiceId (--private-connection-resource-id).");
        }
        ResourceId targetId = ResourceId.parse(target);
        List<String> groupIds = new ArrayList<>();
        connectionProperties.path("groupIds").forEach(g -> groupIds.add(g.asText()));
        String name = connection.path("name").asText(request.resource().name());
        PrivateLinkTargets.Connection result = targets.connect(request, targetId, groupIds, request.resource(), name,
                manual, connectionProperties.path("requestMessage").asText(null));
        connected.add(targetId);
        for (String fqdn : result.fqdns()) {
            dnsConfigs.addObject().put("fqdn", fqdn).putArray("ipAddresses").add(address);
        }
        ObjectNode shown = Json.object();
        shown.put("name", name);
        shown.put("id", request.resource().id() + "/" + (manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections") + "/" + name);
        ObjectNode shownProperties = shown.putObject("properties");
        shownProperties.put("privateLinkServiceId", targetId.id());
        shownProperties.set("groupIds", Json.MAPPER.valueToTree(groupIds));
        if (connectionProperties.hasNonNull("requestMessage")) {
            shownProperties.set("requestMessage", connectionProperties.get("requestMessage"));
        }
        shownProperties.putObject("privateLinkServiceConnectionState").put("status", result.status())
                .put("description", result.description()).put("actionsRequired", "None");
        shownProperties.put("provisioningState", "Succeeded");
        return shown;
    }

    /** The next address of the subnet after Azure's five reserved ones (.0–.3 and the last). */
    private String nextAddress(ResourceId subnet, String prefix) {
        long used = tracked.store().listByType(TYPE).stream()
                .filter(pe -> pe.document().path("properties").path("subnet").path("id").asText().equalsIgnoreCase(subnet.id()))
                .count();
        return Cidr.parse(prefix).host(4 + used);
    }

    /** Mirrors a connection state decided by the target's owner onto the endpoint (approve, reject, disconnect). */
    public static void mirrorState(dev.amlite.store.ResourceStore store, ResourceId endpoint, ResourceId target,
                                   String status, String description) {
        editConnections(store, endpoint, target, connection -> ((ObjectNode) connection
                .path("privateLinkServiceConnectionState")).put("status", status).put("description", description));
    }

    /**
     * The endpoint's connections to {@code from} now ask {@code to} instead, in {@code status}: what a workspace's
     * move does to the endpoints that reached it (MV-6).
     */
    public static void retarget(dev.amlite.store.ResourceStore store, ResourceId endpoint, ResourceId from, ResourceId to,
                                String status, String description) {
        editConnections(store, endpoint, from, connection -> {
            connection.put("privateLinkServiceId", to.id());
            connection.with("privateLinkServiceConnectionState").put("status", status).put("description", description);
        });
    }

    /** Applies {@code change} to the properties of each of the endpoint's connections to {@code target}. */
    private static void editConnections(dev.amlite.store.ResourceStore store, ResourceId endpoint, ResourceId target,
                                        java.util.function.Consumer<ObjectNode> change) {
        store.get(endpoint).ifPresent(pe -> {
            ObjectNode document = pe.documentCopy();
            for (String member : List.of("privateLinkServiceConnections", "manualPrivateLinkServiceConnections")) {
                for (JsonNode connection : document.path("properties").path(member)) {
                    if (connection.path("properties").path("privateLinkServiceId").asText().equalsIgnoreCase(target.id())) {
                        change.accept((ObjectNode) connection.path("properties"));
                    }
                }
            }
            store.replace(pe, pe.location(), document);
        });
    }
}
