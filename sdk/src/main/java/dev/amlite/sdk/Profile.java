package dev.amlite.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code amlite login} keeps: the server, the CA to trust, who logged in and their tokens, and the
 * subscriptions they can see with the current one marked. A service principal's secret is kept (owner-only
 * file) to get new tokens, as az keeps it; a user's password never is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Profile(String server, String caFile, String tenantId, String userName, String userType,
                      String accessToken, long accessTokenExpiresOn, String refreshToken, String clientSecret,
                      List<SubscriptionEntry> subscriptions) {
    public Profile {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
    }

    /** A subscription as {@code account list} shows it. */
    public record SubscriptionEntry(String id, String name, String state, String tenantId, boolean isDefault) {
    }

    public Profile withTokens(String token, long expiresOn, String refresh) {
        return new Profile(server, caFile, tenantId, userName, userType, token, expiresOn,
                refresh == null ? refreshToken : refresh, clientSecret, subscriptions);
    }

    public Profile withSubscriptions(List<SubscriptionEntry> entries) {
        return new Profile(server, caFile, tenantId, userName, userType, accessToken, accessTokenExpiresOn,
                refreshToken, clientSecret, entries);
    }

    public java.util.Optional<SubscriptionEntry> defaultSubscription() {
        return subscriptions.stream().filter(SubscriptionEntry::isDefault).findFirst()
                .or(() -> subscriptions.stream().findFirst());
    }
}
