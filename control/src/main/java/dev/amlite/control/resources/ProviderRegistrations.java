package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Which namespaces each subscription has registered (RM-3). Namespaces that need no registration (Resources,
 * Authorization) are always available.
 */
public final class ProviderRegistrations {
    private static final String REGISTRATION_NAMESPACE = "Microsoft.Resources";
    private static final String REGISTRATION_TYPE = "providerRegistrations";
    private final ResourceStore store;
    private final Catalog catalog;

    public ProviderRegistrations(ResourceStore store, Catalog catalog) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    private static ResourceId rowId(String subscriptionId, String namespace) {
        return ResourceId.subscription(subscriptionId).provider(REGISTRATION_NAMESPACE, REGISTRATION_TYPE, namespace);
    }

    public String state(String subscriptionId, ProviderInfo provider) {
        if (!provider.requiresRegistration()) {
            return "Registered";
        }
        return store.get(rowId(subscriptionId, provider.namespace()))
                .map(row -> row.document().path("properties").path("registrationState").asText())
                .orElse("NotRegistered");
    }

    public boolean isRegistered(String subscriptionId, String namespace) {
        Optional<ProviderInfo> provider = catalog.provider(namespace);
        return provider.isPresent() && "Registered".equals(state(subscriptionId, provider.get()));
    }

    /** Fails with ARM's MissingSubscriptionRegistration when the namespace is not registered (seed 001's message). */
    public void requireRegistered(String subscriptionId, String namespace) {
        if (!isRegistered(subscriptionId, namespace)) {
            ProviderInfo provider = catalog.provider(namespace).orElseThrow();
            throw new ArmException(ErrorCode.MissingSubscriptionRegistration, "The subscription is not registered to "
                    + "use namespace '" + provider.namespace() + "'. Register it with 'amlite provider register "
                    + "--namespace " + provider.namespace() + "'.");
        }
    }

    public void setState(String subscriptionId, ProviderInfo provider, String state) {
        ResourceId id = rowId(subscriptionId, provider.namespace());
        ObjectNode document = Json.object();
        document.putObject("properties").put("registrationState", state);
        Optional<StoredResource> existing = store.get(id);
        if (existing.isPresent()) {
            store.replace(existing.get(), null, document);
        } else {
            try {
                store.insert(id, null, document);
            } catch (ArmException e) {
                if (e.code() != ErrorCode.Conflict) {
                    throw e;
                }
                store.replace(store.get(id).orElseThrow(), null, document);
            }
        }
    }
}
