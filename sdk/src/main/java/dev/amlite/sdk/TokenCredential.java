package dev.amlite.sdk;

/** Something that can produce a bearer token for amlite: a service principal, a user, or the CLI's login. */
@FunctionalInterface
public interface TokenCredential {
    AccessToken getToken();
}
