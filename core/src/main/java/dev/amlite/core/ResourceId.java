package dev.amlite.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/**
 * An ARM resource id. Matching is case-insensitive ({@link #key()}); {@link #id()} keeps the casing the resource
 * was created with. {@code scope} is the id of the container: the subscription of a group, the group of a
 * top-level resource, the parent of a child resource, or the scope an extension resource (role assignment,
 * policy assignment) is attached to. The root scope "/" has no container.
 */
public record ResourceId(String id, String subscriptionId, String resourceGroup, String type, String name, String scope) {
    public static final String SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions";
    public static final String RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";
    public static final String TENANT_TYPE = "Microsoft.Resources/tenants";
    public static final ResourceId ROOT = new ResourceId("/", null, null, "", "", null);

    public ResourceId {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
    }

    public static ResourceId subscription(String subscriptionId) {
        return new ResourceId("/subscriptions/" + subscriptionId, subscriptionId, null, SUBSCRIPTION_TYPE,
                subscriptionId, "/");
    }

    public static ResourceId tenant(String tenantId) {
        return new ResourceId("/tenants/" + tenantId, null, null, TENANT_TYPE, tenantId, "/");
    }

    public static ResourceId resourceGroup(String subscriptionId, String group) {
        return new ResourceId("/subscriptions/" + subscriptionId + "/resourceGroups/" + group, subscriptionId, group,
                RESOURCE_GROUP_TYPE, group, "/subscriptions/" + subscriptionId);
    }

    /** Parses a full resource id; a path that ends in a collection or action is not an id. */
    public static ResourceId parse(String id) {
        ArmPath path = ArmPath.parse(id);
        if (path.trailing() != null || path.providerNamespace() != null) {
            throw new ArmException(ErrorCode.InvalidRequestFormat,
                    "'" + id + "' is not a resource id. Expected /subscriptions/{subscriptionId}/resourceGroups/"
                            + "{group}/providers/{namespace}/{type}/{name}.");
        }
        return path.resource();
    }

    /** A top-level or extension resource under this scope: {@code {scope}/providers/{namespace}/{type}/{name}}. */
    public ResourceId provider(String namespace, String typeName, String resourceName) {
        String prefix = isRoot() ? "" : id;
        return new ResourceId(prefix + "/providers/" + namespace + "/" + typeName + "/" + resourceName,
                subscriptionId, resourceGroup, namespace + "/" + typeName, resourceName, id);
    }

    /** A child resource: {@code {id}/{childType}/{name}}, whose type extends this one's. */
    public ResourceId child(String childType, String childName) {
        return new ResourceId(id + "/" + childType + "/" + childName, subscriptionId, resourceGroup,
                type + "/" + childType, childName, id);
    }

    public String key() {
        return id.toLowerCase(Locale.ROOT);
    }

    public String typeKey() {
        return type.toLowerCase(Locale.ROOT);
    }

    public String namespace() {
        int slash = type.indexOf('/');
        return slash < 0 ? type : type.substring(0, slash);
    }

    public boolean isRoot() {
        return "/".equals(id);
    }

    public boolean isSubscription() {
        return SUBSCRIPTION_TYPE.equalsIgnoreCase(type);
    }

    public boolean isResourceGroup() {
        return RESOURCE_GROUP_TYPE.equalsIgnoreCase(type);
    }

    public boolean isTenant() {
        return TENANT_TYPE.equalsIgnoreCase(type);
    }

    public ResourceId parent() {
        return scope == null ? null : ("/".equals(scope) ? ROOT : parse(scope));
    }

    /** This id and every scope above it, nearest first, ending with the root "/": what RBAC inherits from. */
    public List<String> scopeChainKeys() {
        List<String> chain = new ArrayList<>();
        ResourceId current = this;
        while (current != null) {
            chain.add(current.key());
            current = current.parent();
        }
        return List.copyOf(chain);
    }

    /** True when {@code other} is this resource or lies below it. */
    public boolean contains(ResourceId other) {
        if (isRoot()) {
            return true;
        }
        String mine = key();
        String theirs = other.key();
        return theirs.equals(mine) || theirs.startsWith(mine + "/");
    }

    @Override
    public String toString() {
        return id;
    }
}
