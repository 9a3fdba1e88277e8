package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.Region;
import dev.amlite.core.Json;
import java.util.List;
import static java.util.Objects.requireNonNull;

/** {@code /subscriptions/{id}/locations}: the regions of the catalog (RM-4), shaped like ARM's. */
public final class LocationHandler implements ResourceTypeHandler {
    private final Catalog catalog;

    public LocationHandler(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        String subscription = request.resource().id();
        List<ObjectNode> regions = catalog.regions().stream().map(region -> present(subscription, region)).toList();
        return ArmResponse.list(regions);
    }

    private static ObjectNode present(String subscription, Region region) {
        ObjectNode node = Json.object();
        node.put("id", subscription + "/locations/" + region.name());
        node.put("name", region.name());
        node.put("type", "Region");
        node.put("displayName", region.displayName());
        node.put("regionalDisplayName", region.regionalDisplayName());
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("regionType", "Physical");
        metadata.put("regionCategory", "Recommended");
        metadata.put("geographyGroup", region.geographyGroup());
        metadata.put("longitude", region.longitude());
        metadata.put("latitude", region.latitude());
        metadata.put("physicalLocation", region.physicalLocation());
        metadata.putArray("pairedRegion").addObject().put("name", region.pairedRegion())
                .put("id", subscription + "/locations/" + region.pairedRegion());
        return node;
    }
}
