package dev.amlite.control.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What this amlite offers: regions (RM-4), VM sizes per region, and resource provider namespaces with their
 * types and api-versions (RM-3). Immutable; built once at start.
 */
public final class Catalog {
    private static final List<String> RESOURCES_API = List.of("2014-04-01", "2015-01-01", "2016-02-01", "2016-06-01",
            "2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01", "2019-05-01", "2019-07-01", "2019-08-01",
            "2019-10-01", "2020-01-01", "2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-01-01",
            "2022-09-01", "2022-12-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-03-01",
            "2025-04-01");
    private static final List<String> AUTHORIZATION_API = List.of("2015-07-01", "2017-05-01", "2018-01-01-preview",
            "2018-07-01", "2018-09-01-preview", "2019-09-01", "2020-03-01", "2020-04-01-preview", "2020-09-01",
            "2020-10-01-preview", "2021-06-01", "2022-04-01", "2022-05-01-preview", "2022-06-01", "2023-04-01",
            "2024-04-01", "2024-05-01", "2025-01-01");
    private static final List<String> ML_API = List.of("2022-10-01", "2022-12-01-preview", "2023-02-01-preview",
            "2023-04-01", "2023-04-01-preview", "2023-06-01-preview", "2023-08-01-preview", "2023-10-01",
            "2024-01-01-preview", "2024-04-01", "2024-04-01-preview");
    private static final List<String> GENERIC_API = List.of("2015-06-15", "2016-01-01", "2017-10-01", "2019-06-01",
            "2019-09-01", "2020-02-02", "2020-06-01", "2020-08-01", "2020-11-01", "2021-04-01", "2021-06-01-preview", "2021-09-01",
            "2021-10-01", "2022-05-01", "2022-07-01", "2022-09-01", "2022-12-01", "2023-01-01", "2023-02-01",
            "2023-04-01", "2023-05-01", "2023-07-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01",
            "2024-04-01", "2024-05-01", "2024-07-01");

    private final List<Region> regions;
    private final Map<String, Region> regionsByName;
    private final List<VmSize> vmSizes;
    private final Map<String, ProviderInfo> providers;

    private Catalog(List<Region> regions, List<VmSize> vmSizes, List<ProviderInfo> providers) {
        this.regions = List.copyOf(regions);
        this.regionsByName = regions.stream().collect(Collectors.toUnmodifiableMap(Region::name, Function.identity()));
        this.vmSizes = List.copyOf(vmSizes);
        this.providers = providers.stream().collect(Collectors.toUnmodifiableMap(
                p -> p.namespace().toLowerCase(Locale.ROOT), Function.identity()));
    }

    public static Catalog standard() {
        List<Region> regions = Region.all();
        List<String> everywhere = regions.stream().map(Region::displayName).toList();
        List<ProviderInfo> providers = new ArrayList<>();
        providers.add(new ProviderInfo("Microsoft.Resources", types(List.of("tenants", "subscriptions",
                "resourceGroups", "resources", "locations", "providers", "operationStatuses", "operationResults",
                "deployments"), List.of()), RESOURCES_API, true, false));
        providers.add(new ProviderInfo("Microsoft.Subscription", types(List.of("aliases"), List.of()),
                List.of("2019-10-01-preview", "2020-09-01", "2021-10-01"), true, false));
        providers.add(new ProviderInfo("Microsoft.Authorization", types(List.of("roleAssignments", "roleDefinitions",
                "policyAssignments", "policyDefinitions", "permissions"), List.of()), AUTHORIZATION_API, true, false));
        providers.add(new ProviderInfo("Microsoft.Compute", types(List.of("locations", "locations/vmSizes",
                "virtualMachines"), everywhere), GENERIC_API, true, false));
        providers.add(new ProviderInfo("Microsoft.MachineLearningServices", types(List.of("workspaces",
                "workspaces/computes", "workspaces/onlineEndpoints", "workspaces/onlineEndpoints/deployments",
                "workspaces/batchEndpoints", "workspaces/datastores", "workspaces/models", "workspaces/models/versions",
                "workspaces/environments", "workspaces/environments/versions", "workspaces/codes",
                "workspaces/codes/versions", "workspaces/data", "workspaces/data/versions", "workspaces/jobs",
                "workspaces/connections", "workspaces/privateEndpointConnections", "workspaces/privateLinkResources", "registries", "locations",
                "locations/quotas", "locations/usages", "locations/vmSizes", "locations/quotaRequests"), everywhere), ML_API,
                true, true));
        providers.add(new ProviderInfo("Microsoft.Storage", types(List.of("storageAccounts",
                "storageAccounts/blobServices", "storageAccounts/fileServices"), everywhere), GENERIC_API, true, true));
        providers.add(new ProviderInfo("Microsoft.KeyVault", types(List.of("vaults", "vaults/secrets", "vaults/keys",
                "deletedVaults", "locations", "locations/deletedVaults"), everywhere), GENERIC_API, true, true));
        providers.add(new ProviderInfo("Microsoft.Insights", types(List.of("components"), everywhere),
                GENERIC_API, true, true));
        providers.add(new ProviderInfo("Microsoft.ContainerRegistry", types(List.of("registries"), everywhere),
                GENERIC_API, true, true));
        providers.add(new ProviderInfo("Microsoft.Notebooks", types(List.of("NotebookProxies"), everywhere),
                GENERIC_API, false, true));
        providers.add(new ProviderInfo("Microsoft.ContainerService", types(List.of("managedClusters"), everywhere),
                GENERIC_API, false, true));
        providers.add(new ProviderInfo("Microsoft.DocumentDB", types(List.of("databaseAccounts"), everywhere),
                GENERIC_API, false, true));
        providers.add(new ProviderInfo("Microsoft.Search", types(List.of("searchServices"), everywhere),
                GENERIC_API, false, true));
        providers.add(new ProviderInfo("Microsoft.Network", types(List.of("virtualNetworks",
                "virtualNetworks/subnets", "privateEndpoints", "privateEndpoints/privateDnsZoneGroups", "networkInterfaces",
                "privateDnsZones", "privateDnsZones/A",
                "privateDnsZones/virtualNetworkLinks"), everywhere), GENERIC_API, false, true));
        return new Catalog(regions, VmSize.all(), providers);
    }

    private static List<ResourceTypeInfo> types(List<String> names, List<String> locations) {
        return names.stream().map(name -> new ResourceTypeInfo(name, locations)).toList();
    }

    public List<Region> regions() {
        return regions;
    }

    /** Accepts "japaneast", "Japan East" or "JAPANEAST"; ARM normalises all three to the short name. */
    public Optional<Region> region(String nameOrDisplayName) {
        if (nameOrDisplayName == null) {
            return Optional.empty();
        }
        String normalised = nameOrDisplayName.replace(" ", "").toLowerCase(Locale.ROOT);
        return Optional.ofNullable(regionsByName.get(normalised));
    }

    public String regionNames() {
        return regions.stream().map(Region::name).collect(Collectors.joining(","));
    }

    public List<VmSize> vmSizes() {
        return vmSizes;
    }

    public List<VmSize> vmSizesIn(String region) {
        return vmSizes.stream().filter(size -> size.offeredIn(region)).toList();
    }

    public Optional<VmSize> vmSize(String name) {
        return vmSizes.stream().filter(size -> size.name().equalsIgnoreCase(name)).findFirst();
    }

    public List<ProviderInfo> providers() {
        return providers.values().stream().sorted((a, b) -> a.namespace().compareToIgnoreCase(b.namespace())).toList();
    }

    public Optional<ProviderInfo> provider(String namespace) {
        return namespace == null ? Optional.empty() : Optional.ofNullable(providers.get(namespace.toLowerCase(Locale.ROOT)));
    }

    /** The canonical spelling of a full type ("microsoft.storage/storageaccounts" → "Microsoft.Storage/storageAccounts"). */
    public Optional<String> canonicalType(String fullType) {
        int slash = fullType.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        return provider(fullType.substring(0, slash)).flatMap(p -> p.type(fullType.substring(slash + 1))
                .map(t -> p.namespace() + "/" + t.resourceType()));
    }
}
