package dev.amlite.control.identity;

import dev.amlite.store.PrincipalKind;
import java.time.Instant;
import static java.util.Objects.requireNonNull;

/** Who made a request, as proven by their token. Established once per request by the front door. */
public record Caller(String objectId, String tenantId, PrincipalKind kind, String signInName, String displayName,
                     Instant tokenExpiresAt) {
    public Caller {
        requireNonNull(objectId, "objectId is null");
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(signInName, "signInName is null");
    }
}
