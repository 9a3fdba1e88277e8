package dev.amlite.control.arm;

import dev.amlite.core.ResourceId;

/**
 * Where a request goes: the handler type, what kind of call it is, the namespace whose api-versions apply, and
 * the RBAC action checked at {@code scope}. {@code action} is null for calls every signed-in caller may make
 * (listing tenants and subscriptions, which are filtered by access instead).
 */
record Route(String handlerType, RouteKind kind, String actionName, String apiNamespace, String rbacAction,
             ResourceId scope) {
    enum RouteKind {
        RESOURCE,
        COLLECTION,
        ACTION
    }
}
