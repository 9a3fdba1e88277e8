package dev.amlite.control.endpoints;

import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.quota.QuotaUsage;
import dev.amlite.control.quota.Quotas;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;

/**
 * What deployments hold of the vCPU quota (RM-11): a deployment reserves ceil(instance_count × 1.2) instances of
 * its type (20 % for upgrades, seed 004). Deleting and failed deployments hold nothing.
 */
public final class EndpointQuota implements QuotaUsage {
    private final ResourceStore store;
    private final Catalog catalog;

    public EndpointQuota(ResourceStore store, Catalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    @Override
    public int vCpus(String subscriptionId, String region, String family, ResourceId excluding) {
        int usage = 0;
        for (StoredResource other : store.listInSubscription(subscriptionId, OnlineDeploymentHandler.TYPE_KEY)) {
            if ((excluding != null && other.id().key().equals(excluding.key())) || !region.equalsIgnoreCase(other.location())
                    || "Deleting".equals(other.provisioningState()) || "Failed".equals(other.provisioningState())) {
                continue;
            }
            String type = other.document().path("properties").path("instanceType").asText("");
            var otherSize = catalog.vmSize(type);
            if (otherSize.isEmpty() || !otherSize.get().family().equalsIgnoreCase(family)) {
                continue;
            }
            int count = other.document().path("sku").path("capacity").asInt(1);
            usage += (int) Math.ceil(count * 1.2 - 1e-9) * otherSize.get().vCpus();
        }
        return usage;
    }

    static void check(Quotas quotas, ResourceId deployment, String region, DeploymentSpec spec) {
        quotas.check(deployment.subscriptionId(), region, spec.instanceType(), spec.reservedCores(), deployment,
                "this deployment (instance_count " + spec.instanceCount() + ", reserved with 20% for upgrades: "
                        + spec.reservedInstances() + " x " + spec.instanceType().vCpus() + " vCPUs)");
    }
}
