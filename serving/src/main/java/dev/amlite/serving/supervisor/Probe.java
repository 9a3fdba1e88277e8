package dev.amlite.serving.supervisor;

import java.time.Duration;

/**
 * A liveness or readiness probe as a deployment declares it (Azure's {@code liveness_probe}/{@code readiness_probe}:
 * initial delay, period, timeout, success and failure thresholds).
 */
public record Probe(Duration initialDelay, Duration period, Duration timeout, int successThreshold,
                    int failureThreshold) {
    public Probe {
        if (initialDelay.isNegative() || period.isZero() || period.isNegative() || timeout.isZero()
                || timeout.isNegative() || successThreshold < 1 || failureThreshold < 1) {
            throw new IllegalArgumentException("A probe needs a delay >= 0, a period and timeout > 0 and thresholds >= 1");
        }
    }

    /** Azure's liveness default (initial delay 10 s, every 10 s, 2 s timeout, 30 failures). */
    public static Probe azureLiveness() {
        return new Probe(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2), 1, 30);
    }

    /** Azure's readiness default (initial delay 10 s, every 10 s, 2 s timeout, 3 failures). */
    public static Probe azureReadiness() {
        return new Probe(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2), 1, 3);
    }
}
