package dev.amlite.control.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.Settings;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import static java.util.Objects.requireNonNull;

/**
 * Issues and checks RS256-signed JWTs shaped like Azure AD's v1 access tokens (oid, tid, upn or appid, idtyp).
 * The signing key is made on first start and kept in the store sealed with the master key, so every replica
 * signs with the same key and a restart does not log anybody out.
 */
public final class TokenService {
    public static final String AUDIENCE = "https://management.azure.com/";
    private static final List<String> ACCEPTED_AUDIENCES = List.of(AUDIENCE, "https://management.core.windows.net/",
            "https://management.azure.com", "https://management.core.windows.net", "https://graph.microsoft.com");
    private static final String REFRESH_USE = "refresh";
    private static final int CACHE_LIMIT = 10_000;

    private final RSAKey signingKey;
    private final RSASSASigner signer;
    private final JWSVerifier verifier;
    private final Clock clock;
    private final String issuerBase;
    private final Duration accessLifetime;
    private final Duration refreshLifetime;
    private final ConcurrentHashMap<String, Caller> verified = new ConcurrentHashMap<>();

    public TokenService(Settings settings, SecretBox secretBox, Clock clock, String issuerBase, Duration accessLifetime,
                        Duration refreshLifetime) {
        this.clock = requireNonNull(clock, "clock is null");
        this.issuerBase = requireNonNull(issuerBase, "issuerBase is null");
        this.accessLifetime = requireNonNull(accessLifetime, "accessLifetime is null");
        this.refreshLifetime = requireNonNull(refreshLifetime, "refreshLifetime is null");
        String sealed = settings.getOrCreate("token-signing-key", () -> secretBox.seal(generateKey().toJSONString()));
        try {
            this.signingKey = RSAKey.parse(secretBox.open(sealed));
            this.signer = new RSASSASigner(signingKey);
            this.verifier = new RSASSAVerifier(signingKey.toRSAPublicKey());
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("The stored token signing key is unreadable", e);
        }
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not generate an RSA key", e);
        }
    }

    public String issuer(String tenantId) {
        return issuerBase + tenantId + "/";
    }

    public Duration accessLifetime() {
        return accessLifetime;
    }

    public IssuedToken issue(Principal principal) {
        Instant now = clock.instant();
        Instant expires = now.plus(accessLifetime);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer(principal.tenantId()))
                .audience(AUDIENCE)
                .subject(principal.objectId())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("oid", principal.objectId())
                .claim("tid", principal.tenantId())
                .claim("name", principal.displayName())
                .claim("ver", "1.0");
        if (principal.kind() == PrincipalKind.User) {
            claims.claim("upn", principal.signInName()).claim("idtyp", "user");
        } else {
            claims.claim("appid", principal.signInName()).claim("idtyp", "app");
        }
        String access = sign(claims.build());
        String refresh = sign(new JWTClaimsSet.Builder()
                .issuer(issuer(principal.tenantId()))
                .subject(principal.objectId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(refreshLifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("use", REFRESH_USE)
                .build());
        return new IssuedToken(access, expires, refresh);
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a token", e);
        }
        return jwt.serialize();
    }

    /**
     * Checks an {@code Authorization} header ({@code Bearer <access token>}) and returns who it proves; a missing
     * header, another scheme, or a forged, malformed or expired token is AuthenticationFailed (401).
     */
    public Caller verifyAuthorization(java.util.Optional<String> header) {
        String value = header.orElseThrow(() -> new ArmException(ErrorCode.AuthenticationFailed,
                "Authentication failed. The 'Authorization' header is missing. Sign in with 'amlite login' and send "
                        + "'Authorization: Bearer <token>' ('amlite account get-access-token' prints one)."));
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ArmException(ErrorCode.AuthenticationFailed,
                    "Authentication failed. The 'Authorization' header is not in the 'Bearer <token>' format.");
        }
        return verify(value.substring(7).trim());
    }

    /** Checks an access token and returns who it proves. Forged, malformed or expired tokens are refused. */
    public Caller verify(String token) {
        Instant now = clock.instant();
        Caller cached = verified.get(token);
        if (cached != null) {
            if (cached.tokenExpiresAt().isAfter(now)) {
                return cached;
            }
            verified.remove(token);
        }
        JWTClaimsSet claims = verifiedClaims(token);
        if (REFRESH_USE.equals(claims.getClaim("use"))) {
            throw invalid("A refresh token cannot be used as an access token.");
        }
        if (claims.getAudience().stream().noneMatch(ACCEPTED_AUDIENCES::contains)) {
            throw invalid("The access token has an audience of " + claims.getAudience() + "; expected '" + AUDIENCE + "'.");
        }
        Instant expires = claims.getExpirationTime().toInstant();
        if (!expires.isAfter(now)) {
            throw new ArmException(ErrorCode.ExpiredAuthenticationToken, "The access token expiry UTC time '"
                    + expires + "' is earlier than current UTC time '" + now + "'. Run 'amlite login' again or "
                    + "refresh the token.");
        }
        Map<String, Object> all = claims.getClaims();
        boolean isUser = "user".equals(all.get("idtyp"));
        Caller caller = new Caller(String.valueOf(all.get("oid")), String.valueOf(all.get("tid")),
                isUser ? PrincipalKind.User : PrincipalKind.ServicePrincipal,
                String.valueOf(isUser ? all.get("upn") : all.get("appid")), String.valueOf(all.get("name")), expires);
        if (verified.size() > CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(token, caller);
        return caller;
    }

    /** Checks a refresh token and returns the object id of its principal. */
    public String verifyRefresh(String token) {
        JWTClaimsSet claims;
        try {
            claims = verifiedClaims(token);
        } catch (ArmException e) {
            throw new OAuthException("invalid_grant", "AADSTS9002313: Invalid request. The refresh token is malformed "
                    + "or was not issued by this server.", 400);
        }
        if (!REFRESH_USE.equals(claims.getClaim("use"))) {
            throw new OAuthException("invalid_grant", "The token given is not a refresh token.", 400);
        }
        if (!claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
            throw new OAuthException("invalid_grant", "AADSTS700082: The refresh token has expired. Sign in again "
                    + "with 'amlite login'.", 400);
        }
        return claims.getSubject();
    }

    /** Forgets cached verifications, e.g. after a principal is deleted. */
    public void forgetVerified() {
        verified.clear();
    }

    private JWTClaimsSet verifiedClaims(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw invalid("The access token is not a well-formed JWT.");
        }
        try {
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw invalid("The access token signature is invalid: it was not issued by this server.");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null || claims.getIssuer() == null
                    || !claims.getIssuer().startsWith(issuerBase)) {
                throw invalid("The access token is missing its expiry or has a foreign issuer '" + claims.getIssuer() + "'.");
            }
            return claims;
        } catch (JOSEException | ParseException e) {
            throw invalid("The access token could not be verified: " + e.getMessage());
        }
    }

    private static ArmException invalid(String message) {
        return new ArmException(ErrorCode.InvalidAuthenticationToken, message);
    }

    public String jwks() {
        return new JWKSet(signingKey.toPublicJWK()).toString();
    }
}
