package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.control.catalog.ResourceTypeInfo;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/** {@code …/providers[/{namespace}[/register|/unregister]]}: resource providers and their registration (RM-3). */
public final class ProviderHandler implements ResourceTypeHandler {
    private final Catalog catalog;
    private final ProviderRegistrations registrations;
    private final ResourceStore store;

    public ProviderHandler(Catalog catalog, ProviderRegistrations registrations, ResourceStore store) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registrations = requireNonNull(registrations, "registrations is null");
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        ResourceId scope = request.resource();
        if (scope.isSubscription()) {
            requireSubscription(scope);
        }
        List<ObjectNode> providers = catalog.providers().stream().map(provider -> present(scope, provider)).toList();
        return ArmResponse.list(providers);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        ResourceId scope = request.resource();
        if (scope.isSubscription()) {
            requireSubscription(scope);
        }
        return ArmResponse.ok(present(scope, provider(request.path().providerNamespace())));
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ResourceId subscription = request.resource();
        requireSubscription(subscription);
        String[] parts = action.split(":", 2);
        ProviderInfo provider = provider(parts[1]);
        if (!provider.requiresRegistration()) {
            return ArmResponse.ok(present(subscription, provider));
        }
        registrations.setState(subscription.subscriptionId(), provider,
                parts[0].equals("register") ? "Registered" : "NotRegistered");
        return ArmResponse.ok(present(subscription, provider));
    }

    private ProviderInfo provider(String namespace) {
        return catalog.provider(namespace).orElseThrow(() -> new ArmException(ErrorCode.InvalidResourceNamespace,
                "The resource namespace '" + namespace + "' is invalid. Known namespaces: " + String.join(", ",
                catalog.providers().stream().map(ProviderInfo::namespace).toList()) + "."));
    }

    private void requireSubscription(ResourceId subscription) {
        if (!store.exists(subscription)) {
            throw ArmException.notFound(subscription);
        }
    }

    private ObjectNode present(ResourceId scope, ProviderInfo provider) {
        ObjectNode node = Json.object();
        String prefix = scope.isSubscription() ? scope.id() : "";
        node.put("id", prefix + "/providers/" + provider.namespace());
        node.put("namespace", provider.namespace());
        if (scope.isSubscription()) {
            node.put("registrationState", registrations.state(scope.subscriptionId(), provider));
        }
        node.put("registrationPolicy", provider.requiresRegistration() ? "RegistrationRequired" : "RegistrationFree");
        ArrayNode types = node.putArray("resourceTypes");
        for (ResourceTypeInfo type : provider.resourceTypes()) {
            ObjectNode entry = types.addObject();
            entry.put("resourceType", type.resourceType());
            entry.set("locations", Json.MAPPER.valueToTree(type.locations()));
            entry.set("apiVersions", Json.MAPPER.valueToTree(provider.apiVersions().reversed()));
        }
        return node;
    }

    static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
