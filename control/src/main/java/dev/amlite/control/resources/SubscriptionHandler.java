package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import java.util.List;
import static java.util.Objects.requireNonNull;

/** {@code /subscriptions}: the subscriptions the caller has any role in, and one by id. */
public final class SubscriptionHandler implements ResourceTypeHandler {
    private final ResourceStore store;
    private final Authorizer authorizer;

    public SubscriptionHandler(ResourceStore store, Authorizer authorizer) {
        this.store = requireNonNull(store, "store is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        List<ObjectNode> visible = store.listByType(ResourceId.SUBSCRIPTION_TYPE).stream()
                .filter(row -> authorizer.hasAnyAccess(request.caller().objectId(), row.id()))
                .map(TenantHandler::present)
                .toList();
        return ArmResponse.list(visible);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        return store.get(request.resource()).map(row -> ArmResponse.ok(TenantHandler.present(row)))
                .orElseThrow(() -> ArmException.notFound(request.resource()));
    }
}
