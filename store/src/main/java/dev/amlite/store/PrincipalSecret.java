package dev.amlite.store;

import java.time.Instant;

/** A stored password or client secret: only its salted hash and the first characters shown back as a hint. */
public record PrincipalSecret(String secretId, String objectId, String hash, String hint, Instant createdAt,
                              Instant expiresAt) {
}
