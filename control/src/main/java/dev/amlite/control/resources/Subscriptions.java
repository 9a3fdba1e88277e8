package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.rbac.BuiltInRoles;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.UUID;
import static java.util.Objects.requireNonNull;

/** Creating tenants and subscriptions: used by the first start and by admins adding more (RM-1). */
public final class Subscriptions {
    private final ResourceStore store;
    private final Catalog catalog;
    private final ProviderRegistrations registrations;
    private final Authorizer authorizer;
    private final Clock clock;

    public Subscriptions(ResourceStore store, Catalog catalog, ProviderRegistrations registrations,
                         Authorizer authorizer, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registrations = requireNonNull(registrations, "registrations is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public StoredResource createTenant(String tenantId, String displayName) {
        if (displayName == null || displayName.isBlank() || displayName.length() > 256) {
            throw new ArmException(ErrorCode.InvalidParameter, "A tenant needs a display name of 1 to 256 characters.");
        }
        ObjectNode document = Json.object();
        document.put("tenantId", tenantId);
        document.put("displayName", displayName);
        document.put("tenantCategory", "Home");
        document.put("defaultDomain", displayName.toLowerCase().replaceAll("[^a-z0-9]", "") + ".amlite.local");
        document.put("createdAt", clock.instant().toString());
        return store.insert(ResourceId.tenant(tenantId), null, document);
    }

    public boolean tenantExists(String tenantId) {
        return store.exists(ResourceId.tenant(tenantId));
    }

    /**
     * Creates a subscription in a tenant, registers the namespaces a new subscription has (RM-3), and makes
     * {@code ownerObjectId} its Owner, as Azure does for whoever creates a subscription.
     */
    public StoredResource createSubscription(String subscriptionId, String displayName, String tenantId,
                                             String ownerObjectId, PrincipalKind ownerKind) {
        if (displayName == null || displayName.isBlank() || displayName.length() > 64) {
            throw new ArmException(ErrorCode.InvalidParameter, "A subscription needs a display name of 1 to 64 characters.");
        }
        if (!tenantExists(tenantId)) {
            throw new ArmException(ErrorCode.TenantNotFound, "Tenant '" + tenantId + "' does not exist. List tenants "
                    + "with 'amlite account tenant list'.");
        }
        ObjectNode document = Json.object();
        document.put("subscriptionId", subscriptionId);
        document.put("tenantId", tenantId);
        document.put("displayName", displayName);
        document.put("state", "Enabled");
        document.put("authorizationSource", "RoleBased");
        document.putArray("managedByTenants");
        ObjectNode policies = document.putObject("subscriptionPolicies");
        policies.put("locationPlacementId", "Public_2014-09-01");
        policies.put("quotaId", "PayAsYouGo_2014-09-01");
        policies.put("spendingLimit", "Off");
        StoredResource created = store.insert(ResourceId.subscription(subscriptionId), null, document);
        for (ProviderInfo provider : catalog.providers()) {
            if (provider.requiresRegistration() && provider.registeredByDefault()) {
                registrations.setState(subscriptionId, provider, "Registered");
            }
        }
        if (ownerObjectId != null) {
            assignRole(ResourceId.subscription(subscriptionId), ownerObjectId, ownerKind, BuiltInRoles.OWNER);
        }
        return created;
    }

    /** Writes a role assignment directly: for bootstrap and for owners of new subscriptions. */
    public void assignRole(ResourceId scope, String principalId, PrincipalKind kind, String roleDefinitionName) {
        ObjectNode document = Json.object();
        ObjectNode properties = document.putObject("properties");
        String prefix = scope.isRoot() ? "" : (scope.subscriptionId() == null ? "" : "/subscriptions/" + scope.subscriptionId());
        properties.put("roleDefinitionId", prefix + "/providers/Microsoft.Authorization/roleDefinitions/" + roleDefinitionName);
        properties.put("principalId", principalId);
        properties.put("principalType", kind.name());
        properties.put("scope", scope.id());
        properties.put("createdOn", clock.instant().toString());
        properties.put("updatedOn", clock.instant().toString());
        store.insert(scope.provider("Microsoft.Authorization", "roleAssignments", UUID.randomUUID().toString()), null,
                document);
        authorizer.invalidate();
    }
}
