package dev.amlite.control.endpoints;

import java.nio.file.Path;
import java.time.Duration;
import static java.util.Objects.requireNonNull;

/**
 * Settings of online endpoints, each with the default {@code amlite up} gives.
 *
 * @param root              where deployments' model and code files are laid out for their instances
 * @param python            the interpreter Python deployments run with unless a deployment names its own
 * @param tokenLifetime     how long an aml_token from get-credentials is valid
 * @param startTimeout      how long an instance may take from start to ready before its deployment fails
 * @param maxRequestBody    the largest scoring request accepted (413 beyond)
 * @param bandwidthPerSecond an endpoint's bandwidth quota in bytes per second (EP-6: 5 MB/s)
 * @param mirrorCapacity    mirrored requests in flight at once, server-wide; more are dropped, never queued
 * @param scoringPort       the inference port scoring URIs name (0: the main port, when there is no such port)
 */
public record ServingConfig(Path root, String python, Duration tokenLifetime, Duration startTimeout,
                            long maxRequestBody, long bandwidthPerSecond, int mirrorCapacity, int scoringPort) {
    public ServingConfig {
        requireNonNull(root, "root is null");
        requireNonNull(python, "python is null");
        requireNonNull(tokenLifetime, "tokenLifetime is null");
        requireNonNull(startTimeout, "startTimeout is null");
    }

    public static ServingConfig defaults(Path root) {
        return new ServingConfig(root, "python3", Duration.ofHours(1), Duration.ofSeconds(120), 10L * 1024 * 1024,
                5_000_000L, 64, 0);
    }

    public ServingConfig withPython(String interpreter) {
        return new ServingConfig(root, interpreter, tokenLifetime, startTimeout, maxRequestBody, bandwidthPerSecond,
                mirrorCapacity, scoringPort);
    }

    public ServingConfig withTokenLifetime(Duration lifetime) {
        return new ServingConfig(root, python, lifetime, startTimeout, maxRequestBody, bandwidthPerSecond,
                mirrorCapacity, scoringPort);
    }

    public ServingConfig withMirrorCapacity(int capacity) {
        return new ServingConfig(root, python, tokenLifetime, startTimeout, maxRequestBody, bandwidthPerSecond,
                capacity, scoringPort);
    }

    public ServingConfig withBandwidth(long bytesPerSecond) {
        return new ServingConfig(root, python, tokenLifetime, startTimeout, maxRequestBody, bytesPerSecond,
                mirrorCapacity, scoringPort);
    }

    public ServingConfig withScoringPort(int port) {
        return new ServingConfig(root, python, tokenLifetime, startTimeout, maxRequestBody, bandwidthPerSecond,
                mirrorCapacity, port);
    }
}
