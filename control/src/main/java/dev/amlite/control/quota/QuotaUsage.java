package dev.amlite.control.quota;

import dev.amlite.core.ResourceId;

/**
 * What one kind of resource (deployments, computes) holds of a vCPU quota. {@code excluding} is the resource being
 * written, whose old holding must not count against its new one.
 */
@FunctionalInterface
public interface QuotaUsage {
    int vCpus(String subscriptionId, String region, String family, ResourceId excluding);
}
