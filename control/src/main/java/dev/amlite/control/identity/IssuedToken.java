package dev.amlite.control.identity;

import java.time.Instant;

/** An access token with its expiry, and the refresh token issued beside it. */
public record IssuedToken(String accessToken, Instant expiresAt, String refreshToken) {
}
