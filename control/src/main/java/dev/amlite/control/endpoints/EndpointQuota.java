package dev.amlite.control.endpoints;

import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;

/**
 * vCPU quota for deployments (RM-11), per subscription, region and VM family: general purpose families get
 * {@link #GENERAL_PURPOSE_LIMIT} vCPUs, GPU families none (seed 002). A deployment reserves
 * ceil(instance_count × 1.2) instances of its type. Usage is what the other deployments of the subscription in
 * the region reserve. The compute issue replaces the fixed limits with a stored, adjustable quota.
 */
final class EndpointQuota {
    static final int GENERAL_PURPOSE_LIMIT = 100;
    private final ResourceStore store;
    private final Catalog catalog;

    EndpointQuota(ResourceStore store, Catalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    static int limit(VmSize size) {
        return size.isGpu() ? 0 : GENERAL_PURPOSE_LIMIT;
    }

    void check(ResourceId deployment, String region, DeploymentSpec spec) {
        VmSize size = spec.instanceType();
        int usage = 0;
        for (StoredResource other : store.listInSubscription(deployment.subscriptionId(), deployment.typeKey())) {
            if (other.id().key().equals(deployment.key()) || !region.equalsIgnoreCase(other.location())
                    || "Deleting".equals(other.provisioningState()) || "Failed".equals(other.provisioningState())) {
                continue;
            }
            String type = other.document().path("properties").path("instanceType").asText("");
            var otherSize = catalog.vmSize(type);
            if (otherSize.isEmpty() || !otherSize.get().family().equals(size.family())) {
                continue;
            }
            int count = other.document().path("sku").path("capacity").asInt(1);
            usage += (int) Math.ceil(count * 1.2 - 1e-9) * otherSize.get().vCpus();
        }
        int limit = limit(size);
        int needed = spec.reservedCores();
        if (usage + needed > limit) {
            throw new ArmException(ErrorCode.QuotaExceeded, "Not enough quota for " + size.name() + " in region "
                    + region + ": family " + size.family() + " has a limit of " + limit + " vCPUs and a usage of "
                    + usage + "; this deployment needs " + needed + " (instance_count " + spec.instanceCount()
                    + ", reserved with 20% for upgrades: " + spec.reservedInstances() + " x " + size.vCpus()
                    + " vCPUs). Lower instance_count, choose another instance_type, or ask an administrator to "
                    + "raise the quota.");
        }
    }
}
