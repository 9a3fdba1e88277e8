package dev.amlite.sdk;

import java.time.Instant;

/** A bearer token and when it stops working. */
public record AccessToken(String token, Instant expiresAt) {
    /** True when the token will expire within the next five minutes, the margin at which we refresh it. */
    public boolean isExpiringSoon(Instant now) {
        return !expiresAt.isAfter(now.plusSeconds(300));
    }
}
