package dev.amlite.control.catalog;

import java.util.List;
import java.util.Set;

/**
 * A virtual machine size: the facts quota and compute need (family, vCPUs, memory, GPUs) and a list price per
 * hour in US East, which regions scale by their factor. Prices approximate Azure's public pay-as-you-go list for
 * Linux and are for estimates only.
 */
public record VmSize(String name, String family, int vCpus, int memoryGb, int gpus, String gpuModel,
                     double usdPerHourEastUs, Set<String> regions) {
    private static final Set<String> ALL = Region.all().stream().map(Region::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> BIG_GPU = Set.of("eastus", "westus2", "westus3", "southcentralus", "westeurope",
            "japaneast", "southeastasia");

    public boolean offeredIn(String region) {
        return regions.contains(region);
    }

    public boolean isGpu() {
        return gpus > 0;
    }

    static List<VmSize> all() {
        return List.of(
                new VmSize("Standard_DS1_v2", "standardDSv2Family", 1, 3, 0, null, 0.073, ALL),
                new VmSize("Standard_DS2_v2", "standardDSv2Family", 2, 7, 0, null, 0.146, ALL),
                new VmSize("Standard_DS3_v2", "standardDSv2Family", 4, 14, 0, null, 0.293, ALL),
                new VmSize("Standard_DS4_v2", "standardDSv2Family", 8, 28, 0, null, 0.585, ALL),
                new VmSize("Standard_DS5_v2", "standardDSv2Family", 16, 56, 0, null, 1.170, ALL),
                new VmSize("Standard_D2s_v3", "standardDSv3Family", 2, 8, 0, null, 0.096, ALL),
                new VmSize("Standard_D4s_v3", "standardDSv3Family", 4, 16, 0, null, 0.192, ALL),
                new VmSize("Standard_D8s_v3", "standardDSv3Family", 8, 32, 0, null, 0.384, ALL),
                new VmSize("Standard_D16s_v3", "standardDSv3Family", 16, 64, 0, null, 0.768, ALL),
                new VmSize("Standard_E4s_v3", "standardESv3Family", 4, 32, 0, null, 0.252, ALL),
                new VmSize("Standard_E8s_v3", "standardESv3Family", 8, 64, 0, null, 0.504, ALL),
                new VmSize("Standard_F4s_v2", "standardFSv2Family", 4, 8, 0, null, 0.169, ALL),
                new VmSize("Standard_F8s_v2", "standardFSv2Family", 8, 16, 0, null, 0.338, ALL),
                new VmSize("Standard_NC4as_T4_v3", "standardNCASv3_T4Family", 4, 28, 1, "NVIDIA T4", 0.526, ALL),
                new VmSize("Standard_NC8as_T4_v3", "standardNCASv3_T4Family", 8, 56, 1, "NVIDIA T4", 0.752, ALL),
                new VmSize("Standard_NC6s_v3", "standardNCSv3Family", 6, 112, 1, "NVIDIA V100", 3.060, ALL),
                new VmSize("Standard_NC12s_v3", "standardNCSv3Family", 12, 224, 2, "NVIDIA V100", 6.120, ALL),
                new VmSize("Standard_NC24s_v3", "standardNCSv3Family", 24, 448, 4, "NVIDIA V100", 12.240, ALL),
                new VmSize("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", 24, 220, 1, "NVIDIA A100", 3.673, BIG_GPU),
                new VmSize("Standard_ND96asr_v4", "standardNDASv4_A100Family", 96, 900, 8, "NVIDIA A100", 27.197, BIG_GPU));
    }
}
