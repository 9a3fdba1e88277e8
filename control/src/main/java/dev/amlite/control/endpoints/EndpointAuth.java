package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An endpoint's credentials (EP-7), sealed in the secret store: two keys that never expire and can be
 * regenerated one at a time, and the secret that signs its aml_tokens. A token names its endpoint and expiry and
 * is signed with that endpoint's own secret, so a key or token of one endpoint never opens another.
 */
final class EndpointAuth {
    static final String PRIMARY = "primaryKey";
    static final String SECONDARY = "secondaryKey";
    static final String TOKEN_SECRET = "tokenSecret";
    private static final String TOKEN_PREFIX = "amlt.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final ResourceSecrets secrets;
    private final Clock clock;
    private final Duration tokenLifetime;

    EndpointAuth(ResourceSecrets secrets, Clock clock, Duration tokenLifetime) {
        this.secrets = secrets;
        this.clock = clock;
        this.tokenLifetime = tokenLifetime;
    }

    /** The credentials the router checks a request against, decrypted once per change of the endpoint. */
    record Credentials(byte[] primary, byte[] secondary, byte[] tokenSecret) {
    }

    void ensure(ResourceId endpoint) {
        for (String name : new String[] {PRIMARY, SECONDARY, TOKEN_SECRET}) {
            if (secrets.get(endpoint, name).isEmpty()) {
                secrets.putIfAbsent(endpoint, name, secrets.newKey(32));
            }
        }
    }

    Credentials credentials(ResourceId endpoint) {
        return new Credentials(bytes(secrets.require(endpoint, PRIMARY)), bytes(secrets.require(endpoint, SECONDARY)),
                bytes(secrets.require(endpoint, TOKEN_SECRET)));
    }

    ObjectNode keys(ResourceId endpoint) {
        return Json.object().put(PRIMARY, secrets.require(endpoint, PRIMARY))
                .put(SECONDARY, secrets.require(endpoint, SECONDARY));
    }

    void regenerate(ResourceId endpoint, String keyType, String keyValue) {
        String name = switch (keyType.toLowerCase(java.util.Locale.ROOT)) {
            case "primary" -> PRIMARY;
            case "secondary" -> SECONDARY;
            default -> throw new ArmException(ErrorCode.InvalidParameter, "keyType must be Primary or Secondary; '"
                    + keyType + "' was given.");
        };
        if (keyValue != null && keyValue.length() < 16) {
            throw new ArmException(ErrorCode.InvalidParameter, "A key given as keyValue must have at least 16 "
                    + "characters.");
        }
        secrets.put(endpoint, name, keyValue != null ? keyValue : secrets.newKey(32));
    }

    /** A new aml_token for the endpoint, in Azure's EndpointAuthToken shape (times in epoch seconds). */
    ObjectNode token(ResourceId endpoint) {
        Instant now = clock.instant();
        Instant expiry = now.plus(tokenLifetime);
        String token = sign(endpoint.id(), expiry, bytes(secrets.require(endpoint, TOKEN_SECRET)));
        return Json.object().put("accessToken", token).put("tokenType", "Bearer")
                .put("expiryTimeUtc", expiry.getEpochSecond())
                .put("refreshAfterTimeUtc", now.plus(tokenLifetime.dividedBy(2)).getEpochSecond());
    }

    /** A token for {@code endpointId} valid until {@code expiry}, signed with the endpoint's token secret. */
    static String sign(String endpointId, Instant expiry, byte[] secret) {
        String payload = endpointId.toLowerCase(java.util.Locale.ROOT) + "\n" + expiry.getEpochSecond();
        return TOKEN_PREFIX + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(sign(secret, payload));
    }

    void delete(ResourceId endpoint) {
        secrets.delete(endpoint, PRIMARY);
        secrets.delete(endpoint, SECONDARY);
        secrets.delete(endpoint, TOKEN_SECRET);
    }

    /** Why a bearer credential is refused, or OK. */
    enum Verdict { OK, INVALID, EXPIRED }

    /** Checks a key in constant time against both keys (both compared, whichever matches). */
    static Verdict checkKey(byte[] presented, Credentials credentials) {
        boolean primary = MessageDigest.isEqual(presented, credentials.primary());
        boolean secondary = MessageDigest.isEqual(presented, credentials.secondary());
        return primary | secondary ? Verdict.OK : Verdict.INVALID;
    }

    /** Checks an aml_token: its signature with this endpoint's secret (constant time), its endpoint, its expiry. */
    static Verdict checkToken(String token, String endpointId, Credentials credentials, Instant now) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            return Verdict.INVALID;
        }
        int dot = token.indexOf('.', TOKEN_PREFIX.length());
        if (dot < 0) {
            return Verdict.INVALID;
        }
        String payload;
        byte[] signature;
        try {
            payload = new String(Base64.getUrlDecoder().decode(token.substring(TOKEN_PREFIX.length(), dot)),
                    StandardCharsets.UTF_8);
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        if (!MessageDigest.isEqual(signature, sign(credentials.tokenSecret(), payload))) {
            return Verdict.INVALID;
        }
        int newline = payload.indexOf('\n');
        if (newline < 0 || !payload.substring(0, newline).equals(endpointId.toLowerCase(java.util.Locale.ROOT))) {
            return Verdict.INVALID;
        }
        long expiry;
        try {
            expiry = Long.parseLong(payload.substring(newline + 1));
        } catch (NumberFormatException e) {
            return Verdict.INVALID;
        }
        return now.getEpochSecond() < expiry ? Verdict.OK : Verdict.EXPIRED;
    }

    private static byte[] sign(byte[] secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
