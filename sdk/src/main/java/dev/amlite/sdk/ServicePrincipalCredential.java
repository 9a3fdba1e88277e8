package dev.amlite.sdk;

import java.time.Instant;
import static java.util.Objects.requireNonNull;

/** A service principal's client id and secret, exchanged for tokens as they are needed. */
public final class ServicePrincipalCredential implements TokenCredential {
    private final TokenClient tokens;
    private final String tenantId;
    private final String clientId;
    private final String clientSecret;
    private AccessToken current;

    public ServicePrincipalCredential(TokenClient tokens, String tenantId, String clientId, String clientSecret) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.tenantId = tenantId;
        this.clientId = requireNonNull(clientId, "clientId is null");
        this.clientSecret = requireNonNull(clientSecret, "clientSecret is null");
    }

    @Override
    public synchronized AccessToken getToken() {
        if (current == null || current.isExpiringSoon(Instant.now())) {
            current = tokens.clientCredentials(tenantId, clientId, clientSecret).access();
        }
        return current;
    }
}
