package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.util.List;
import static java.util.Objects.requireNonNull;

/**
 * {@code /subscriptions/{id}/providers/Microsoft.Compute/locations/{region}/vmSizes}: the sizes a region offers,
 * in ARM's shape, plus the family, GPUs and hourly price that quotas and cost estimates use.
 */
public final class VmSizeHandler implements ResourceTypeHandler {
    private final Catalog catalog;

    public VmSizeHandler(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        String requested = request.resource().name();
        Region region = catalog.region(requested).orElseThrow(() -> new ArmException(
                ErrorCode.LocationNotAvailableForResourceType, "The location '" + requested + "' is not available. "
                + "Available regions: " + catalog.regionNames() + "."));
        List<ObjectNode> sizes = catalog.vmSizesIn(region.name()).stream().map(size -> present(size, region)).toList();
        return ArmResponse.list(sizes);
    }

    private static ObjectNode present(VmSize size, Region region) {
        ObjectNode node = Json.object();
        node.put("name", size.name());
        node.put("numberOfCores", size.vCpus());
        node.put("memoryInMB", size.memoryGb() * 1024);
        node.put("osDiskSizeInMB", 1_047_552);
        node.put("resourceDiskSizeInMB", size.vCpus() * 7168);
        node.put("maxDataDiskCount", Math.min(64, size.vCpus() * 4));
        node.put("family", size.family());
        node.put("gpus", size.gpus());
        if (size.gpuModel() != null) {
            node.put("gpuModel", size.gpuModel());
        }
        node.put("pricePerHourUsd", Math.round(size.usdPerHourEastUs() * region.priceFactor() * 1000) / 1000.0);
        return node;
    }
}
