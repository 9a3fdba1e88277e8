package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/**
 * {@code /tenants}: ARM's tenant list, plus {@code PUT /tenants/{id}} (an amlite addition, since Azure makes
 * tenants outside ARM) so an admin can add the tenants a cross-tenant move needs.
 */
public final class TenantHandler implements ResourceTypeHandler {
    private final ResourceStore store;
    private final Subscriptions subscriptions;
    private final Authorizer authorizer;

    public TenantHandler(ResourceStore store, Subscriptions subscriptions, Authorizer authorizer) {
        this.store = requireNonNull(store, "store is null");
        this.subscriptions = requireNonNull(subscriptions, "subscriptions is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        boolean seesAll = authorizer.allows(request.caller().objectId(), "Microsoft.Resources/tenants/read", ResourceId.ROOT);
        List<ObjectNode> tenants = store.listByType(ResourceId.TENANT_TYPE).stream()
                .filter(row -> seesAll || row.id().name().equalsIgnoreCase(request.caller().tenantId()))
                .map(TenantHandler::present)
                .toList();
        return ArmResponse.list(tenants);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        return store.get(request.resource()).map(row -> ArmResponse.ok(present(row))).orElseThrow(() ->
                new ArmException(ErrorCode.TenantNotFound, "Tenant '" + request.resource().name() + "' does not exist."));
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        String tenantId = request.resource().name();
        try {
            UUID.fromString(tenantId);
        } catch (IllegalArgumentException e) {
            throw new ArmException(ErrorCode.InvalidParameter, "A tenant id must be a GUID, not '" + tenantId + "'.");
        }
        if (store.exists(request.resource())) {
            throw new ArmException(ErrorCode.Conflict, "Tenant '" + tenantId + "' already exists.");
        }
        String displayName = request.bodyObject().path("properties").path("displayName")
                .asText(request.bodyObject().path("displayName").asText(null));
        return ArmResponse.created(present(subscriptions.createTenant(tenantId, displayName)));
    }

    static ObjectNode present(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        document.remove("type");
        document.remove("name");
        return document;
    }
}
