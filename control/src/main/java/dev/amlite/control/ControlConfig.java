package dev.amlite.control;

import dev.amlite.control.throttle.ThrottleLimits;
import java.time.Duration;
import static java.util.Objects.requireNonNull;

/**
 * Settings of the control plane, each with the default a developer gets from {@code amlite up}.
 *
 * @param masterKey            32 bytes that seal secrets stored in the database
 * @param throttle             per-principal token buckets
 * @param accessTokenLifetime  how long an access token is valid (1 hour, as in Azure AD)
 * @param refreshTokenLifetime how long a refresh token is valid
 * @param secretValidity       default validity of a new service principal secret (1 year, as az)
 * @param maxManagementBody    largest management request body accepted
 * @param passwordHashIterations PBKDF2 work factor
 * @param cacheRefresh         how stale the RBAC and policy snapshots may get (changes made by other replicas)
 * @param issuerBase           prefix of the token issuer; the tenant id and "/" follow
 * @param keySyncInterval      how often workspaces pick up regenerated keys of their dependent resources (WS-5)
 * @param softDeleteRetention  how long a soft-deleted workspace is kept before it is purged (WS-6)
 * @param blobRoot             where storage accounts without an external blob service keep their blobs
 * @param pendingUploadTtl     how long the files of an upload that no asset took up are kept (AS-6)
 * @param crashPoints          where a crash test stops the server dead (none, but in crash tests)
 * @param listPageSize         most items one page of a list answer holds; a nextLink leads to the rest
 */
public record ControlConfig(byte[] masterKey, ThrottleLimits throttle, Duration accessTokenLifetime,
                            Duration refreshTokenLifetime, Duration secretValidity, long maxManagementBody,
                            int passwordHashIterations, Duration cacheRefresh, String issuerBase,
                            Duration keySyncInterval, Duration softDeleteRetention, java.nio.file.Path blobRoot,
                            Duration pendingUploadTtl, dev.amlite.control.operations.CrashPoints crashPoints,
                            int listPageSize, dev.amlite.control.replicas.Replicas.Settings replicas,
                            dev.amlite.control.identity.TrustedProxies trustedProxies) {
    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;

    public ControlConfig {
        requireNonNull(masterKey, "masterKey is null");
        requireNonNull(throttle, "throttle is null");
        requireNonNull(accessTokenLifetime, "accessTokenLifetime is null");
        requireNonNull(refreshTokenLifetime, "refreshTokenLifetime is null");
        requireNonNull(secretValidity, "secretValidity is null");
        requireNonNull(cacheRefresh, "cacheRefresh is null");
        requireNonNull(issuerBase, "issuerBase is null");
        requireNonNull(keySyncInterval, "keySyncInterval is null");
        requireNonNull(softDeleteRetention, "softDeleteRetention is null");
        requireNonNull(blobRoot, "blobRoot is null");
        requireNonNull(pendingUploadTtl, "pendingUploadTtl is null");
        requireNonNull(crashPoints, "crashPoints is null");
        requireNonNull(replicas, "replicas is null");
        requireNonNull(trustedProxies, "trustedProxies is null");
        if (listPageSize < 1) {
            throw new IllegalArgumentException("listPageSize must be at least 1; " + listPageSize + " was given");
        }
        masterKey = masterKey.clone();
    }

    public static ControlConfig defaults(byte[] masterKey, java.nio.file.Path blobRoot) {
        return new ControlConfig(masterKey, ThrottleLimits.standard(), Duration.ofHours(1), Duration.ofDays(14),
                Duration.ofDays(365), DEFAULT_MAX_BODY, 120_000, Duration.ofSeconds(5), "https://sts.amlite.local/",
                Duration.ofHours(1), Duration.ofDays(14), blobRoot, Duration.ofDays(1),
                dev.amlite.control.operations.CrashPoints.none(), dev.amlite.control.arm.ListPages.DEFAULT_PAGE_SIZE,
                dev.amlite.control.replicas.Replicas.Settings.single(), dev.amlite.control.identity.TrustedProxies.none());
    }

    public ControlConfig withThrottle(ThrottleLimits limits) {
        return new ControlConfig(masterKey, limits, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withAccessTokenLifetime(Duration lifetime) {
        return new ControlConfig(masterKey, throttle, lifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withMaxManagementBody(long bytes) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                bytes, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withWorkspaceTimers(Duration keySync, Duration retention) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySync, retention, blobRoot,
                pendingUploadTtl, crashPoints, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withPendingUploadTtl(Duration ttl) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, ttl, crashPoints, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withListPageSize(int size) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, size, replicas, trustedProxies);
    }

    @Override
    public String toString() {
        return "ControlConfig[masterKey=****, throttle=" + throttle + ", accessTokenLifetime=" + accessTokenLifetime
                + ", maxManagementBody=" + maxManagementBody + "]";
    }

    public ControlConfig withCrashPoints(dev.amlite.control.operations.CrashPoints points) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, points, listPageSize, replicas, trustedProxies);
    }

    public ControlConfig withReplicas(dev.amlite.control.replicas.Replicas.Settings settings) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, listPageSize, settings, trustedProxies);
    }

    public ControlConfig withTrustedProxies(dev.amlite.control.identity.TrustedProxies proxies) {
        return new ControlConfig(masterKey, throttle, accessTokenLifetime, refreshTokenLifetime, secretValidity,
                maxManagementBody, passwordHashIterations, cacheRefresh, issuerBase, keySyncInterval, softDeleteRetention,
                blobRoot, pendingUploadTtl, crashPoints, listPageSize, replicas, proxies);
    }
}
