package dev.amlite.control.identity;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.PrincipalSecret;
import dev.amlite.store.PrincipalStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * The built-in identity provider (RM-8): users with passwords, service principals with client secrets, and the
 * grants that turn them into tokens. Secrets are stored as hashes only; a service principal's secret is shown
 * once, when it is made.
 */
public final class Directory {
    private static final Pattern USER_PRINCIPAL_NAME = Pattern.compile("[A-Za-z0-9._%+-]{1,64}(@[A-Za-z0-9.-]{1,190})?");
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Duration USER_PASSWORD_LIFETIME = Duration.ofDays(36_500);

    private final PrincipalStore principals;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final Clock clock;
    private final SecureRandom random;

    public Directory(PrincipalStore principals, PasswordHasher hasher, TokenService tokens, Clock clock,
                     SecureRandom random) {
        this.principals = requireNonNull(principals, "principals is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.random = requireNonNull(random, "random is null");
    }

    /** A service principal just made, with the only copy of its first secret. */
    public record NewServicePrincipal(Principal principal, String secret, Instant secretExpiresAt) {
    }

    /** A secret just added, shown once. */
    public record NewSecret(String secretId, String secret, String hint, Instant expiresAt) {
    }

    public Principal createUser(String tenantId, String displayName, String userPrincipalName, String password) {
        if (userPrincipalName == null || !USER_PRINCIPAL_NAME.matcher(userPrincipalName).matches()) {
            throw new ArmException(ErrorCode.Request_BadRequest, "The user principal name '" + userPrincipalName
                    + "' is invalid. Use ASCII letters, digits and . _ % + - before an optional @domain, e.g. "
                    + "'alice@contoso.com'.");
        }
        checkPassword(password);
        Principal user = new Principal(UUID.randomUUID().toString(), tenantId, PrincipalKind.User,
                displayName == null || displayName.isBlank() ? userPrincipalName : displayName, userPrincipalName,
                clock.instant());
        principals.insert(user);
        Instant now = clock.instant();
        principals.addSecret(new PrincipalSecret(UUID.randomUUID().toString(), user.objectId(), hasher.hash(password),
                password.substring(0, 1), now, now.plus(USER_PASSWORD_LIFETIME)));
        return user;
    }

    public void setPassword(String objectId, String password) {
        checkPassword(password);
        Instant now = clock.instant();
        principals.replaceSecrets(new PrincipalSecret(UUID.randomUUID().toString(), objectId, hasher.hash(password),
                password.substring(0, 1), now, now.plus(USER_PASSWORD_LIFETIME)));
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < 8 || password.length() > 256) {
            throw new ArmException(ErrorCode.Request_BadRequest, "The password must be 8 to 256 characters long.");
        }
    }

    public NewServicePrincipal createServicePrincipal(String tenantId, String displayName, Duration secretValidity) {
        if (displayName == null || displayName.isBlank() || displayName.length() > 120) {
            throw new ArmException(ErrorCode.Request_BadRequest,
                    "A service principal needs a display name of 1 to 120 characters.");
        }
        Principal principal = new Principal(UUID.randomUUID().toString(), tenantId, PrincipalKind.ServicePrincipal,
                displayName, UUID.randomUUID().toString(), clock.instant());
        principals.insert(principal);
        NewSecret secret = addSecret(principal.objectId(), secretValidity);
        return new NewServicePrincipal(principal, secret.secret(), secret.expiresAt());
    }

    public NewSecret addSecret(String objectId, Duration validity) {
        Principal principal = principals.byObjectId(objectId).orElseThrow(() -> new ArmException(
                ErrorCode.Request_ResourceNotFound, "Service principal '" + objectId + "' does not exist."));
        if (principal.kind() != PrincipalKind.ServicePrincipal) {
            throw new ArmException(ErrorCode.Request_BadRequest, "Secrets can only be added to service principals.");
        }
        String secret = randomSecret();
        Instant now = clock.instant();
        PrincipalSecret stored = new PrincipalSecret(UUID.randomUUID().toString(), objectId, hasher.hash(secret),
                secret.substring(0, 3), now, now.plus(validity));
        principals.addSecret(stored);
        return new NewSecret(stored.secretId(), secret, stored.hint(), stored.expiresAt());
    }

    private String randomSecret() {
        StringBuilder secret = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            secret.append(i == 3 ? '~' : SECRET_ALPHABET.charAt(random.nextInt(SECRET_ALPHABET.length())));
        }
        return secret.toString();
    }

    public Optional<Principal> principal(String objectIdOrSignInName) {
        Optional<Principal> byId = principals.byObjectId(objectIdOrSignInName);
        return byId.isPresent() ? byId : principals.bySignInName(objectIdOrSignInName);
    }

    public boolean delete(String objectId) {
        boolean deleted = principals.delete(objectId);
        tokens.forgetVerified();
        return deleted;
    }

    public PrincipalStore store() {
        return principals;
    }

    /** OAuth2 password grant. A wrong user name and a wrong password answer alike, as Azure AD's do. */
    public IssuedToken passwordGrant(String tenant, String username, String password) {
        if (username == null || password == null) {
            throw new OAuthException("invalid_request", "AADSTS900144: The request body must contain the "
                    + "parameters 'username' and 'password'.", 400);
        }
        Optional<Principal> user = principals.bySignInName(username).filter(p -> p.kind() == PrincipalKind.User);
        if (user.isEmpty() || !secretMatches(user.get(), password)) {
            throw new OAuthException("invalid_grant", "AADSTS50126: Error validating credentials due to invalid "
                    + "username or password.", 400);
        }
        checkTenant(tenant, user.get());
        return tokens.issue(user.get());
    }

    public IssuedToken clientCredentialsGrant(String tenant, String clientId, String clientSecret) {
        if (clientId == null || clientSecret == null) {
            throw new OAuthException("invalid_request", "AADSTS900144: The request body must contain the "
                    + "parameters 'client_id' and 'client_secret'.", 400);
        }
        Optional<Principal> principal = principals.bySignInName(clientId)
                .filter(p -> p.kind() == PrincipalKind.ServicePrincipal);
        if (principal.isEmpty()) {
            throw new OAuthException("unauthorized_client", "AADSTS700016: Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'.", 400);
        }
        checkTenant(tenant, principal.get());
        if (!secretMatches(principal.get(), clientSecret)) {
            throw new OAuthException("invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the "
                    + "secret being sent in the request is the client secret value, not the client secret ID, for a "
                    + "secret added to app '" + clientId + "'.", 401);
        }
        return tokens.issue(principal.get());
    }

    public IssuedToken refreshGrant(String refreshToken) {
        if (refreshToken == null) {
            throw new OAuthException("invalid_request", "AADSTS900144: The request body must contain the parameter "
                    + "'refresh_token'.", 400);
        }
        String objectId = tokens.verifyRefresh(refreshToken);
        Principal principal = principals.byObjectId(objectId).orElseThrow(() -> new OAuthException("invalid_grant",
                "AADSTS50057: The principal of this refresh token no longer exists.", 400));
        return tokens.issue(principal);
    }

    private static void checkTenant(String tenant, Principal principal) {
        if (tenant == null || tenant.equalsIgnoreCase("common") || tenant.equalsIgnoreCase("organizations")
                || tenant.equalsIgnoreCase(principal.tenantId())) {
            return;
        }
        throw new OAuthException("invalid_request", "AADSTS90002: Principal '" + principal.signInName()
                + "' does not belong to tenant '" + tenant + "'. Its tenant is '" + principal.tenantId() + "'.", 400);
    }

    /** Compares against every unexpired secret; each comparison is constant-time. */
    private boolean secretMatches(Principal principal, String secret) {
        Instant now = clock.instant();
        boolean matched = false;
        for (PrincipalSecret stored : principals.secrets(principal.objectId())) {
            if (stored.expiresAt().isAfter(now) && hasher.matches(secret, stored.hash())) {
                matched = true;
            }
        }
        return matched;
    }
}
