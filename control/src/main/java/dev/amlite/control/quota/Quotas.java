package dev.amlite.control.quota;

import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.QuotaStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * vCPU quotas per subscription, region and VM family (RM-11): general purpose families get
 * {@link #GENERAL_PURPOSE_LIMIT} vCPUs, GPU families none (seed 002: NCSv3 in Japan East needs an increase) until an
 * administrator approves more. Usage is the sum of what deployments and computes hold. One quota for both, as the
 * family's cores are one pool on a machine that runs both.
 */
public final class Quotas {
    public static final int GENERAL_PURPOSE_LIMIT = 100;
    private final QuotaStore store;
    private final Catalog catalog;
    private final List<QuotaUsage> holders;

    public Quotas(QuotaStore store, Catalog catalog, List<QuotaUsage> holders) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.holders = List.copyOf(holders);
    }

    public QuotaStore store() {
        return store;
    }

    public Catalog catalog() {
        return catalog;
    }

    public static int defaultLimit(VmSize size) {
        return size.isGpu() ? 0 : GENERAL_PURPOSE_LIMIT;
    }

    /** The family's limit in the region: raised by an approved request, else the default. */
    public int limit(String subscriptionId, String region, VmSize size) {
        return limits(subscriptionId, region).getOrDefault(size.family().toLowerCase(Locale.ROOT), defaultLimit(size));
    }

    Map<String, Integer> limits(String subscriptionId, String region) {
        return store.limits(subscriptionId, region);
    }

    public int usage(String subscriptionId, String region, String family, ResourceId excluding) {
        int total = 0;
        for (QuotaUsage holder : holders) {
            total += holder.vCpus(subscriptionId, region, family, excluding);
        }
        return total;
    }

    /**
     * Refuses {@code needed} more vCPUs of {@code size} for {@code what} when they do not fit: QuotaExceeded naming
     * the family, region, limit and usage, and how to ask for more.
     */
    public void check(String subscriptionId, String region, VmSize size, int needed, ResourceId excluding, String what) {
        int limit = limit(subscriptionId, region, size);
        int usage = usage(subscriptionId, region, size.family(), excluding);
        if (usage + needed > limit) {
            throw new ArmException(ErrorCode.QuotaExceeded, "Not enough quota for " + size.name() + " in region "
                    + region + ": family " + size.family() + " has a limit of " + limit + " vCPUs and a usage of "
                    + usage + "; " + what + " needs " + needed + ". Choose another size, or ask an administrator "
                    + "for more: 'amlite quota request create --location " + region + " --family " + size.family()
                    + " --limit " + (usage + needed) + "', then 'amlite quota request approve'.");
        }
    }
}
