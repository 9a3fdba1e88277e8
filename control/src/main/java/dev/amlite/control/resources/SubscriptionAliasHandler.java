package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * {@code PUT /providers/Microsoft.Subscription/aliases/{alias}}: Azure's way to create a subscription. The body's
 * {@code properties.displayName} names it and {@code properties.additionalProperties.subscriptionTenantId} picks
 * the tenant (the caller's by default). Repeating the PUT with the same alias returns the same subscription.
 */
public final class SubscriptionAliasHandler implements ResourceTypeHandler {
    private final ResourceStore store;
    private final Subscriptions subscriptions;

    public SubscriptionAliasHandler(ResourceStore store, Subscriptions subscriptions) {
        this.store = requireNonNull(store, "store is null");
        this.subscriptions = requireNonNull(subscriptions, "subscriptions is null");
    }

    /**
     * One at a time: the subscription is made before the alias that names it, so two requests for one alias at the
     * same moment would make two subscriptions, one of them named by no alias. Replicas sharing a database can still
     * do that (rare: aliases are made by hand).
     */
    @Override
    public synchronized ArmResponse put(ArmRequest request) {
        Optional<StoredResource> existing = store.get(request.resource());
        if (existing.isPresent()) {
            return ArmResponse.ok(existing.get().documentCopy());
        }
        JsonNode properties = request.bodyObject().path("properties");
        String tenantId = properties.path("additionalProperties").path("subscriptionTenantId")
                .asText(request.caller().tenantId());
        String subscriptionId = properties.path("subscriptionId").asText(UUID.randomUUID().toString());
        subscriptions.createSubscription(subscriptionId, properties.path("displayName").asText(null), tenantId,
                request.caller().objectId(), request.caller().kind());
        ObjectNode alias = Json.object();
        ObjectNode aliasProperties = alias.putObject("properties");
        aliasProperties.put("subscriptionId", subscriptionId);
        aliasProperties.put("provisioningState", "Succeeded");
        aliasProperties.put("displayName", properties.path("displayName").asText());
        aliasProperties.put("tenantId", tenantId);
        return ArmResponse.created(store.insert(request.resource(), null, alias).documentCopy());
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        return store.get(request.resource()).map(row -> ArmResponse.ok(row.documentCopy()))
                .orElseThrow(() -> dev.amlite.core.ArmException.notFound(request.resource()));
    }

    static ResourceId aliasId(String alias) {
        return ResourceId.ROOT.provider("Microsoft.Subscription", "aliases", alias);
    }
}
