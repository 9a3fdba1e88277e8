package dev.amlite.control.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A resource provider namespace: its types, its accepted api-versions, and whether a new subscription has it
 * registered (RM-3).
 */
public record ProviderInfo(String namespace, List<ResourceTypeInfo> resourceTypes, List<String> apiVersions,
                           boolean registeredByDefault, boolean requiresRegistration) {
    public ProviderInfo {
        resourceTypes = List.copyOf(resourceTypes);
        apiVersions = List.copyOf(apiVersions);
    }

    public Optional<ResourceTypeInfo> type(String typeBelowNamespace) {
        String wanted = typeBelowNamespace.toLowerCase(Locale.ROOT);
        return resourceTypes.stream().filter(t -> t.resourceType().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    public boolean acceptsApiVersion(String apiVersion) {
        return apiVersions.stream().anyMatch(v -> v.equalsIgnoreCase(apiVersion));
    }
}
