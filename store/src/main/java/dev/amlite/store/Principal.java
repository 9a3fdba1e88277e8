package dev.amlite.store;

import java.time.Instant;
import static java.util.Objects.requireNonNull;

/**
 * A user or service principal of a tenant. {@code signInName} is the user principal name of a user, or the
 * application (client) id of a service principal.
 */
public record Principal(String objectId, String tenantId, PrincipalKind kind, String displayName, String signInName,
                        Instant createdAt) {
    public Principal {
        requireNonNull(objectId, "objectId is null");
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(signInName, "signInName is null");
    }
}
