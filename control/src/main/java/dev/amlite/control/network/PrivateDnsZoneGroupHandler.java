package dev.amlite.control.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.Locale;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.Network/privateEndpoints/privateDnsZoneGroups}: ties a private endpoint to private DNS zones
 * and writes the A records of seed 001 — each of the endpoint's names under {@code X} goes into zone
 * {@code privatelink.X} (privatelink.api.azureml.ms, privatelink.notebooks.azure.net) with the endpoint's
 * address. Deleting the group removes its records.
 */
public final class PrivateDnsZoneGroupHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";
    static final String RECORD_TYPE = "A";
    private final TrackedResources tracked;

    public PrivateDnsZoneGroupHandler(TrackedResources tracked) {
        this.tracked = requireNonNull(tracked, "tracked is null");
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
        StoredResource endpoint = placement.parent();
        JsonNode endpointProperties = endpoint.document().path("properties");
        String address = endpointProperties.path("ipAddress").asText();
        placement.current().ifPresent(current -> removeRecords(current.document()));
        ObjectNode document = Json.object();
        ObjectNode properties = document.putObject("properties");
        ArrayNode configs = properties.putArray("privateDnsZoneConfigs");
        for (JsonNode config : body.path("properties").path("privateDnsZoneConfigs")) {
            String zoneText = config.path("properties").path("privateDnsZoneId").asText(null);
            if (zoneText == null) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "Each privateDnsZoneConfigs entry needs "
                        + "properties.privateDnsZoneId (--private-dns-zone).");
            }
            ResourceId zone = ResourceId.parse(zoneText);
            if (!tracked.store().exists(zone)) {
                throw new ArmException(ErrorCode.InvalidResourceReference, "Private DNS zone '" + zone.id() + "' was "
                        + "not found. Create it with 'amlite network private-dns zone create -g " + zone.resourceGroup()
                        + " --name " + zone.name() + "'.");
            }
            String suffix = zone.name().toLowerCase(Locale.ROOT).startsWith("privatelink.")
                    ? zone.name().substring("privatelink.".length()) : zone.name();
            ObjectNode shown = configs.addObject();
            shown.put("name", config.path("name").asText(zone.name().replace('.', '-')));
            ObjectNode shownProperties = shown.putObject("properties");
            shownProperties.put("privateDnsZoneId", zone.id());
            ArrayNode recordSets = shownProperties.putArray("recordSets");
            for (JsonNode dns : endpointProperties.path("customDnsConfigs")) {
                String fqdn = dns.path("fqdn").asText();
                if (!fqdn.toLowerCase(Locale.ROOT).endsWith("." + suffix.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String recordName = fqdn.substring(0, fqdn.length() - suffix.length() - 1);
                writeRecord(request, zone.child(RECORD_TYPE, recordName), address);
                recordSets.addObject().put("recordType", RECORD_TYPE).put("recordSetName", recordName)
                        .put("fqdn", recordName + "." + zone.name() + ".").put("ttl", 10)
                        .putArray("ipAddresses").add(address);
            }
        }
        if (configs.isEmpty()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "properties.privateDnsZoneConfigs must name at "
                    + "least one private DNS zone.");
        }
        properties.put("provisioningState", "Succeeded");
        return tracked.save(request.caller(), placement, document, StoredResource::documentCopy);
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> group = tracked.deleting(request);
        if (group.isEmpty()) {
            return ArmResponse.noContent();
        }
        removeRecords(group.get().document());
        tracked.store().deleteTree(request.resource());
        return ArmResponse.ok(null);
    }

    private void writeRecord(ArmRequest request, ResourceId record, String address) {
        ObjectNode document = Json.object();
        document.putObject("tags");
        ObjectNode properties = document.putObject("properties");
        properties.put("ttl", 10);
        properties.put("fqdn", record.name() + "." + record.parent().name() + ".");
        properties.putArray("aRecords").addObject().put("ipv4Address", address);
        properties.put("isAutoRegistered", false);
        StoredResource zone = tracked.existing(record.parent());
        tracked.write(request.caller(), new TrackedResources.Placement(record, "Microsoft.Network/privateDnsZones/A",
                null, Json.object(), zone, tracked.store().get(record)), document);
    }

    private void removeRecords(JsonNode groupDocument) {
        for (JsonNode config : groupDocument.path("properties").path("privateDnsZoneConfigs")) {
            ResourceId zone = ResourceId.parse(config.path("properties").path("privateDnsZoneId").asText());
            for (JsonNode record : config.path("properties").path("recordSets")) {
                tracked.store().deleteTree(zone.child(RECORD_TYPE, record.path("recordSetName").asText()));
            }
        }
    }
}
