package dev.amlite.sdk;

import java.time.Instant;
import static java.util.Objects.requireNonNull;

/**
 * Reuses the login of the {@code amlite} CLI (SDK-2): the stored access token while it is fresh, then a new one
 * from the refresh token (users) or the stored secret (service principals), saved back for the next process.
 */
public final class CliCredential implements TokenCredential {
    private final ProfileStore store;
    private final TokenClient tokens;
    private Profile profile;

    public CliCredential(ProfileStore store, Profile profile, TokenClient tokens) {
        this.store = requireNonNull(store, "store is null");
        this.profile = requireNonNull(profile, "profile is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    @Override
    public synchronized AccessToken getToken() {
        AccessToken current = new AccessToken(profile.accessToken(), Instant.ofEpochSecond(profile.accessTokenExpiresOn()));
        if (!current.isExpiringSoon(Instant.now())) {
            return current;
        }
        TokenClient.Tokens fresh;
        if ("servicePrincipal".equals(profile.userType())) {
            fresh = tokens.clientCredentials(profile.tenantId(), profile.userName(), profile.clientSecret());
        } else if (profile.refreshToken() != null) {
            try {
                fresh = tokens.refresh(profile.tenantId(), profile.refreshToken());
            } catch (AmliteException e) {
                throw new AmliteException(401, "LoginExpired", "Your login has expired (" + e.getMessage()
                        + "). Run 'amlite login' again.", null);
            }
        } else {
            throw new AmliteException(401, "LoginExpired", "Your access token expired. Run 'amlite login' again.", null);
        }
        profile = profile.withTokens(fresh.access().token(), fresh.access().expiresAt().getEpochSecond(), fresh.refreshToken());
        store.save(profile);
        return fresh.access();
    }

    public synchronized Profile profile() {
        return profile;
    }
}
