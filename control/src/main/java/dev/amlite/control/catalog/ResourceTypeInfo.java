package dev.amlite.control.catalog;

import java.util.List;

/** One resource type a provider namespace serves: its name below the namespace and where it is offered. */
public record ResourceTypeInfo(String resourceType, List<String> locations) {
    public ResourceTypeInfo {
        locations = List.copyOf(locations);
    }
}
