package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite network …}: virtual networks, private endpoints and their connections, private DNS (seed 001). */
@Command(name = "network", description = "Manage networking.",
        subcommands = {NetworkCommands.Vnet.class, NetworkCommands.PrivateEndpoint.class,
                NetworkCommands.PrivateEndpointConnection.class, NetworkCommands.PrivateDns.class})
final class NetworkCommands {
    static final String API = "2023-05-01";
    static final String DNS_API = "2020-06-01";

    static String groupPath(Session session, String group) {
        return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group);
    }

    abstract static class GroupLeaf extends Leaf {
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;
    }

    @Command(name = "vnet", description = "Virtual networks.", subcommands = VnetCreate.class)
    static final class Vnet {
    }

    @Command(name = "create", description = "Create a virtual network with one subnet.")
    static final class VnetCreate extends GroupLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Network name.")
        String name;
        @Option(names = "--address-prefix", description = "Address space (default 10.0.0.0/16).")
        String addressPrefix = "10.0.0.0/16";
        @Option(names = "--subnet-name", description = "Subnet name.")
        String subnetName;
        @Option(names = "--subnet-prefix", description = "Subnet prefix (default 10.0.0.0/24).")
        String subnetPrefix = "10.0.0.0/24";
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            ObjectNode properties = body.putObject("properties");
            properties.putObject("addressSpace").putArray("addressPrefixes").add(addressPrefix);
            ArrayNode subnets = properties.putArray("subnets");
            if (subnetName != null) {
                subnets.addObject().put("name", subnetName).putObject("properties").put("addressPrefix", subnetPrefix);
            }
            return Json.object().set("newVNet", session.send("PUT", groupPath(session, group)
                    + "/providers/Microsoft.Network/virtualNetworks/" + name, API, body));
        }
    }

    @Command(name = "private-endpoint", description = "Private endpoints.",
            subcommands = {PeCreate.class, PeShow.class, PeDelete.class, DnsZoneGroup.class})
    static final class PrivateEndpoint {
    }

    @Command(name = "create", description = "Create a private endpoint to a resource (a workspace: --group-id amlworkspace).")
    static final class PeCreate extends GroupLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;
        @Option(names = "--vnet-name", description = "Virtual network of --subnet.")
        String vnet;
        @Option(names = "--subnet", required = true, description = "Subnet name (with --vnet-name) or id.")
        String subnet;
        @Option(names = "--private-connection-resource-id", required = true, description = "Resource to connect to.")
        String target;
        @Option(names = "--group-id", required = true, description = "Private link group, e.g. amlworkspace.")
        String groupId;
        @Option(names = "--connection-name", required = true, description = "Name of the connection.")
        String connectionName;
        @Option(names = "--manual-request", arity = "0..1", description = "Ask the resource owner to approve.")
        boolean manual;
        @Option(names = "--request-message", description = "Message for the owner with --manual-request.")
        String requestMessage;
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;

        @Override
        JsonNode run(Session session) {
            String subnetId = subnet.startsWith("/") ? subnet : groupPath(session, group)
                    + "/providers/Microsoft.Network/virtualNetworks/" + require(vnet) + "/subnets/" + subnet;
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            ObjectNode properties = body.putObject("properties");
            properties.putObject("subnet").put("id", subnetId);
            ObjectNode connection = properties.putArray(manual ? "manualPrivateLinkServiceConnections"
                    : "privateLinkServiceConnections").addObject();
            connection.put("name", connectionName);
            ObjectNode connectionProperties = connection.putObject("properties");
            connectionProperties.put("privateLinkServiceId", target);
            connectionProperties.putArray("groupIds").add(groupId);
            if (requestMessage != null) {
                connectionProperties.put("requestMessage", requestMessage);
            }
            return session.send("PUT", groupPath(session, group) + "/providers/Microsoft.Network/privateEndpoints/"
                    + name, API, body);
        }

        private static String require(String vnet) {
            if (vnet == null) {
                throw new CliError("--vnet-name is required when --subnet is a name rather than a subnet id.");
            }
            return vnet;
        }
    }

    @Command(name = "show", description = "Show a private endpoint.")
    static final class PeShow extends GroupLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", groupPath(session, group) + "/providers/Microsoft.Network/privateEndpoints/" + name, API, null);
        }
    }

    @Command(name = "delete", description = "Delete a private endpoint (its connection goes too).")
    static final class PeDelete extends GroupLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;

        @Override
        JsonNode run(Session session) {
            session.send("DELETE", groupPath(session, group) + "/providers/Microsoft.Network/privateEndpoints/" + name, API, null);
            return null;
        }
    }

    @Command(name = "dns-zone-group", description = "DNS zone groups of a private endpoint.",
            subcommands = {DnsZoneGroupCreate.class, DnsZoneGroupAdd.class})
    static final class DnsZoneGroup {
    }

    abstract static class DnsZoneGroupLeaf extends GroupLeaf {
        @Option(names = "--endpoint-name", required = true, description = "Private endpoint.")
        String endpoint;
        @Option(names = {"-n", "--name"}, required = true, description = "Zone group name.")
        String name;
        @Option(names = "--private-dns-zone", required = true, description = "Zone name or id.")
        String zone;
        @Option(names = "--zone-name", required = true, description = "Name of this zone's entry in the group.")
        String zoneName;

        String path(Session session) {
            return groupPath(session, group) + "/providers/Microsoft.Network/privateEndpoints/" + endpoint
                    + "/privateDnsZoneGroups/" + name;
        }

        ObjectNode config(Session session) {
            String zoneId = zone.startsWith("/") ? zone : groupPath(session, group)
                    + "/providers/Microsoft.Network/privateDnsZones/" + zone;
            ObjectNode config = Json.object();
            config.put("name", zoneName);
            config.putObject("properties").put("privateDnsZoneId", zoneId);
            return config;
        }
    }

    @Command(name = "create", description = "Create a zone group with one zone; its A records are written.")
    static final class DnsZoneGroupCreate extends DnsZoneGroupLeaf {
        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            body.putObject("properties").putArray("privateDnsZoneConfigs").add(config(session));
            return session.send("PUT", path(session), API, body);
        }
    }

    @Command(name = "add", description = "Add a zone to a zone group.")
    static final class DnsZoneGroupAdd extends DnsZoneGroupLeaf {
        @Override
        JsonNode run(Session session) {
            JsonNode current = session.send("GET", path(session), API, null);
            ObjectNode body = Json.object();
            ArrayNode configs = body.putObject("properties").putArray("privateDnsZoneConfigs");
            for (JsonNode existing : current.path("properties").path("privateDnsZoneConfigs")) {
                configs.addObject().put("name", existing.path("name").asText()).putObject("properties")
                        .put("privateDnsZoneId", existing.path("properties").path("privateDnsZoneId").asText());
            }
            configs.add(config(session));
            return session.send("PUT", path(session), API, body);
        }
    }

    @Command(name = "private-endpoint-connection", description = "Approve, reject or delete private endpoint connections.",
            subcommands = {PecApprove.class, PecReject.class, PecDelete.class, PecShow.class, PecList.class})
    static final class PrivateEndpointConnection {
    }

    abstract static class PecLeaf extends Leaf {
        @Option(names = "--id", description = "Connection id.")
        String id;
        @Option(names = {"-n", "--name"}, description = "Connection name (with -g, --resource-name, --type).")
        String name;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group of the resource.")
        String group;
        @Option(names = "--resource-name", description = "Name of the resource (the workspace).")
        String resourceName;
        @Option(names = "--type", description = "Microsoft.MachineLearningServices/workspaces.")
        String type = "Microsoft.MachineLearningServices/workspaces";

        String connectionId(Session session) {
            if (id != null) {
                return id;
            }
            if (name == null || resourceName == null) {
                throw new CliError("Give --id, or --name with -g, --resource-name and --type.");
            }
            return groupPath(session, group) + "/providers/" + type + "/" + resourceName + "/privateEndpointConnections/" + name;
        }

        JsonNode setState(Session session, String status, String description) {
            ObjectNode body = Json.object();
            ObjectNode state = body.putObject("properties").putObject("privateLinkServiceConnectionState");
            state.put("status", status);
            state.put("description", description == null ? status : description);
            return session.send("PUT", connectionId(session), MlCommands.ML_API, body);
        }
    }

    @Command(name = "approve", description = "Approve a connection.")
    static final class PecApprove extends PecLeaf {
        @Option(names = "--description", description = "Reason.")
        String description;

        @Override
        JsonNode run(Session session) {
            return setState(session, "Approved", description);
        }
    }

    @Command(name = "reject", description = "Reject a connection.")
    static final class PecReject extends PecLeaf {
        @Option(names = "--description", description = "Reason.")
        String description;

        @Override
        JsonNode run(Session session) {
            return setState(session, "Rejected", description);
        }
    }

    @Command(name = "delete", description = "Delete a connection.")
    static final class PecDelete extends PecLeaf {
        @Option(names = {"-y", "--yes"}, description = "Do not prompt.")
        boolean yes;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting the private endpoint connection disconnects its endpoint.");
            session.send("DELETE", connectionId(session), MlCommands.ML_API, null);
            return null;
        }
    }

    @Command(name = "show", description = "Show a connection.")
    static final class PecShow extends PecLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", connectionId(session), MlCommands.ML_API, null);
        }
    }

    @Command(name = "list", description = "List the connections of a resource (--id of the resource).")
    static final class PecList extends Leaf {
        @Option(names = "--id", required = true, description = "Resource id (the workspace).")
        String id;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", id + "/privateEndpointConnections", MlCommands.ML_API, null).path("value");
        }
    }

    @Command(name = "private-dns", description = "Private DNS zones.", subcommands = {Zone.class, Link.class, RecordSet.class})
    static final class PrivateDns {
    }

    @Command(name = "zone", description = "Zones.", subcommands = ZoneCreate.class)
    static final class Zone {
    }

    @Command(name = "create", description = "Create a private DNS zone.")
    static final class ZoneCreate extends GroupLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Zone name, e.g. privatelink.api.azureml.ms.")
        String name;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            body.put("location", "global");
            body.putObject("properties");
            return session.send("PUT", groupPath(session, group) + "/providers/Microsoft.Network/privateDnsZones/" + name,
                    DNS_API, body);
        }
    }

    @Command(name = "link", description = "Zone links.", subcommands = LinkVnet.class)
    static final class Link {
    }

    @Command(name = "vnet", description = "Links to virtual networks.", subcommands = LinkVnetCreate.class)
    static final class LinkVnet {
    }

    @Command(name = "create", description = "Link a zone to a virtual network.")
    static final class LinkVnetCreate extends GroupLeaf {
        @Option(names = {"-z", "--zone-name"}, required = true, description = "Zone.")
        String zone;
        @Option(names = {"-n", "--name"}, required = true, description = "Link name.")
        String name;
        @Option(names = {"-v", "--virtual-network"}, required = true, description = "Network name or id.")
        String network;
        @Option(names = {"-e", "--registration-enabled"}, arity = "1", description = "true or false.")
        boolean registration;

        @Override
        JsonNode run(Session session) {
            String networkId = network.startsWith("/") ? network
                    : groupPath(session, group) + "/providers/Microsoft.Network/virtualNetworks/" + network;
            session.send("GET", networkId, API, null);
            ObjectNode body = Json.object();
            body.put("location", "global");
            ObjectNode properties = body.putObject("properties");
            properties.putObject("virtualNetwork").put("id", networkId);
            properties.put("registrationEnabled", registration);
            return session.send("PUT", groupPath(session, group) + "/providers/Microsoft.Network/privateDnsZones/" + zone
                    + "/virtualNetworkLinks/" + name, DNS_API, body);
        }
    }

    @Command(name = "record-set", description = "Record sets.", subcommands = RecordSetA.class)
    static final class RecordSet {
    }

    @Command(name = "a", description = "A record sets.", subcommands = RecordSetAList.class)
    static final class RecordSetA {
    }

    @Command(name = "list", description = "List A records of a zone.")
    static final class RecordSetAList extends GroupLeaf {
        @Option(names = {"-z", "--zone-name"}, required = true, description = "Zone.")
        String zone;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", groupPath(session, group) + "/providers/Microsoft.Network/privateDnsZones/" + zone
                    + "/A", DNS_API, null).path("value");
        }
    }
}
