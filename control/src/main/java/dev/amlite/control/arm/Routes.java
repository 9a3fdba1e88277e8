package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ArmPath;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Locale;

/** Maps a method and parsed path to a {@link Route}. Pure: no I/O, so every mapping is unit-tested. */
final class Routes {
    static final String SUBSCRIPTIONS = "Microsoft.Resources/subscriptions";
    static final String TENANTS = "Microsoft.Resources/tenants";
    static final String RESOURCE_GROUPS = "Microsoft.Resources/resourceGroups";
    static final String PROVIDERS = "Microsoft.Resources/providers";
    static final String LOCATIONS = "Microsoft.Resources/locations";
    static final String GENERIC_RESOURCES = "Microsoft.Resources/resources";
    private static final String RESOURCES_NAMESPACE = "Microsoft.Resources";

    private Routes() {
    }

    static Route resolve(String method, ArmPath path) {
        ResourceId resource = path.resource();
        String trailing = path.trailing();
        if (path.providerNamespace() != null && trailing == null) {
            return new Route(PROVIDERS, Route.RouteKind.RESOURCE, path.providerNamespace(), RESOURCES_NAMESPACE,
                    resource.isSubscription() ? "Microsoft.Resources/subscriptions/providers/read" : null, resource);
        }
        if (path.providerNamespace() != null) {
            if (method.equals("POST") && resource.isSubscription()
                    && (trailing.equalsIgnoreCase("register") || trailing.equalsIgnoreCase("unregister"))) {
                return new Route(PROVIDERS, Route.RouteKind.ACTION, trailing.toLowerCase(Locale.ROOT) + ":"
                        + path.providerNamespace(), RESOURCES_NAMESPACE, path.providerNamespace() + "/register/action",
                        resource);
            }
            return collection(method, path.collectionType(), path.providerNamespace(), resource);
        }
        if (trailing != null) {
            if (resource.isRoot()) {
                return switch (trailing.toLowerCase(Locale.ROOT)) {
                    case "subscriptions" -> new Route(SUBSCRIPTIONS, Route.RouteKind.COLLECTION, null,
                            RESOURCES_NAMESPACE, null, resource);
                    case "tenants" -> new Route(TENANTS, Route.RouteKind.COLLECTION, null, RESOURCES_NAMESPACE, null,
                            resource);
                    case "providers" -> new Route(PROVIDERS, Route.RouteKind.COLLECTION, null, RESOURCES_NAMESPACE,
                            null, resource);
                    default -> throw notFound(path);
                };
            }
            if (resource.isSubscription() || resource.isResourceGroup()) {
                String lower = trailing.toLowerCase(Locale.ROOT);
                String prefix = resource.isSubscription() ? "Microsoft.Resources/subscriptions"
                        : "Microsoft.Resources/subscriptions/resourceGroups";
                switch (lower) {
                    case "resourcegroups" -> {
                        return readOnly(method, new Route(RESOURCE_GROUPS, Route.RouteKind.COLLECTION, null,
                                RESOURCES_NAMESPACE, "Microsoft.Resources/subscriptions/resourceGroups/read", resource));
                    }
                    case "resources" -> {
                        return readOnly(method, new Route(GENERIC_RESOURCES, Route.RouteKind.COLLECTION, null,
                                RESOURCES_NAMESPACE, prefix + "/resources/read", resource));
                    }
                    case "providers" -> {
                        return readOnly(method, new Route(PROVIDERS, Route.RouteKind.COLLECTION, null,
                                RESOURCES_NAMESPACE, "Microsoft.Resources/subscriptions/providers/read", resource));
                    }
                    case "locations" -> {
                        return readOnly(method, new Route(LOCATIONS, Route.RouteKind.COLLECTION, null,
                                RESOURCES_NAMESPACE, "Microsoft.Resources/subscriptions/locations/read", resource));
                    }
                    default -> {
                        // fall through to actions on the subscription or group itself
                    }
                }
            }
            if (method.equals("POST")) {
                return new Route(resource.type(), Route.RouteKind.ACTION, trailing, namespaceOf(resource),
                        actionType(resource.type()) + "/" + trailing + "/action", resource);
            }
            return collection(method, path.collectionType(), namespaceOf(resource), resource);
        }
        if (resource.isRoot()) {
            throw notFound(path);
        }
        String verb = switch (method) {
            case "GET", "HEAD" -> "read";
            case "PUT", "PATCH" -> "write";
            case "DELETE" -> "delete";
            default -> throw new ArmException(ErrorCode.MethodNotAllowed, "The method '" + method
                    + "' is not supported on '" + resource.id() + "'. Use GET, HEAD, PUT, PATCH or DELETE.");
        };
        // An operation's status is checked by its handler against the resource the operation works on: whoever may
        // act on that resource polls what they started, also with rights below the subscription.
        String action = isOperationStatus(resource.type()) ? null : actionType(resource.type()) + "/" + verb;
        return new Route(resource.type(), Route.RouteKind.RESOURCE, null, namespaceOf(resource), action, resource);
    }

    private static boolean isOperationStatus(String type) {
        return type.equalsIgnoreCase("Microsoft.Resources/operationStatuses")
                || type.equalsIgnoreCase("Microsoft.Resources/operationResults");
    }

    private static Route collection(String method, String type, String namespace, ResourceId scope) {
        return readOnly(method, new Route(type, Route.RouteKind.COLLECTION, null, namespace,
                actionType(type) + "/read", scope));
    }

    private static Route readOnly(String method, Route route) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ArmException(ErrorCode.MethodNotAllowed, "The method '" + method + "' is not supported on a "
                    + "collection; only GET lists it. To create a resource, " + method + " to {collection}/{name}.");
        }
        return route;
    }

    /** ARM names group and subscription actions after their place under Microsoft.Resources/subscriptions. */
    static String actionType(String type) {
        if (type.equalsIgnoreCase(RESOURCE_GROUPS)) {
            return "Microsoft.Resources/subscriptions/resourceGroups";
        }
        return type;
    }

    private static String namespaceOf(ResourceId resource) {
        return resource.namespace();
    }

    private static ArmException notFound(ArmPath path) {
        return new ArmException(ErrorCode.NotFound, "No route matches '" + path.resource().id()
                + (path.trailing() == null ? "" : "/" + path.trailing()) + "'.");
    }
}
