package dev.amlite.control.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;

/** Finds a subnet's address prefix, whether it was made as a child resource or inside its virtual network. */
public final class Subnets {
    private Subnets() {
    }

    public static Optional<String> addressPrefix(ResourceStore store, ResourceId subnetId) {
        Optional<StoredResource> child = store.get(subnetId);
        if (child.isPresent()) {
            return prefix(child.get().document().path("properties"));
        }
        if (subnetId.parent() == null) {
            return Optional.empty();
        }
        Optional<StoredResource> network = store.get(subnetId.parent());
        if (network.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode subnet : network.get().document().path("properties").path("subnets")) {
            if (subnet.path("name").asText().equalsIgnoreCase(subnetId.name())) {
                return prefix(subnet.path("properties"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> prefix(JsonNode properties) {
        if (properties.hasNonNull("addressPrefix")) {
            return Optional.of(properties.path("addressPrefix").asText());
        }
        JsonNode prefixes = properties.path("addressPrefixes");
        return prefixes.isArray() && !prefixes.isEmpty() ? Optional.of(prefixes.get(0).asText()) : Optional.empty();
    }
}
