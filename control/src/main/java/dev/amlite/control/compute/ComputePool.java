package dev.amlite.control.compute;

import dev.amlite.core.ResourceId;
import dev.amlite.store.ComputeNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The nodes of every compute and who uses them (CP-1): a job leases a free node, or a cluster adds one up to its
 * maximum when the quota allows; nodes idle longer than the cluster's idle time leave, down to its minimum. The
 * nodes are in the store ({@link ComputeNodes}), so that the servers sharing it (replicas) keep a cluster within its
 * maximum together and count its quota once; the compute documents carry the counts a reader sees. The pool is
 * touched by job dispatch and by the compute ticker, never per scoring request.
 */
public final class ComputePool {
    /** One node given to one job until it is released. */
    public record NodeLease(ResourceId compute, String nodeId, String job) {
    }

    /** A node as listNodes shows it. */
    public record NodeView(String nodeId, String state, String job, Instant since) {
    }

    /**
     * The outcome of asking for a node: a lease, or why the job waits. {@code hopeless} says waiting cannot help (the
     * compute is gone), so the job should fail rather than wait.
     */
    public record Acquisition(NodeLease lease, String waitingFor, boolean scaledUp, boolean hopeless) {
        static Acquisition granted(NodeLease lease, boolean scaledUp) {
            return new Acquisition(lease, null, scaledUp, false);
        }

        static Acquisition waiting(String reason) {
            return new Acquisition(null, reason, false, false);
        }

        static Acquisition never(String reason) {
            return new Acquisition(null, reason, false, true);
        }
    }

    /** The most attempts at a write that another server's write got to first, before the job waits a round. */
    private static final int ATTEMPTS = 8;

    private final ComputeNodes nodes;
    private final Supplier<String> serverId;
    private final RandomGenerator random;

    /** {@code serverId} names this server in the leases of the jobs it runs. */
    public ComputePool(ComputeNodes nodes, Supplier<String> serverId, RandomGenerator random) {
        this.nodes = nodes;
        this.serverId = serverId;
        this.random = random;
    }

    /**
     * Whether the quota lets the compute hold {@code nodes} nodes, counting what every other compute of its family
     * holds now.
     */
    @FunctionalInterface
    public interface QuotaCheck {
        boolean allows(int nodes);
    }

    /**
     * A free node for {@code job}: an idle one, else a new one when the cluster is below its maximum and
     * {@code quota} allows one more. {@code running} is false for a stopped instance, which gets no node. A node
     * another server adds at the same moment can take the quota's last room: the node added here is then removed
     * again and the job waits.
     */
    public Acquisition acquire(ResourceId compute, ComputeSpec spec, boolean running, String job, Instant now,
                               QuotaCheck quota) {
        if (!running) {
            return Acquisition.waiting("compute '" + compute.name() + "' is not running; start it with 'amlite ml "
                    + "compute start -n " + compute.name() + "'");
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<ComputeNodes.Node> held = nodes.list(compute.key());
            for (ComputeNodes.Node node : held) {
                if (node.idle() && nodes.lease(compute.key(), node.nodeId(), job, serverId.get())) {
                    return Acquisition.granted(new NodeLease(compute, node.nodeId(), job), false);
                }
            }
            if (held.size() >= spec.maxNodes()) {
                return Acquisition.waiting("all " + held.size() + " node(s) of '" + compute.name() + "' are busy "
                        + "(max_instances " + spec.maxNodes() + ")");
            }
            if (!quota.allows(held.size() + 1)) {
                return noQuota(compute, spec);
            }
            String nodeId = nodeId(compute);
            if (!nodes.add(compute.key(), freeSlot(held), nodeId, job, serverId.get(), now)) {
                continue; // another server took that slot: look again
            }
            // Checked again with the node counted: another server may have added one to a compute of the same
            // family meanwhile, and the two checks before the adds could each have seen room for one.
            if (!quota.allows(nodes.list(compute.key()).size())) {
                nodes.removeLeased(compute.key(), nodeId, job);
                return noQuota(compute, spec);
            }
            return Acquisition.granted(new NodeLease(compute, nodeId, job), true);
        }
        return Acquisition.waiting("other servers are changing the nodes of '" + compute.name() + "'");
    }

    private static Acquisition noQuota(ResourceId compute, ComputeSpec spec) {
        return Acquisition.waiting("no quota for another " + spec.size().name() + " node of '" + compute.name()
                + "' (family " + spec.size().family() + ")");
    }

    /** The lowest slot no node holds. */
    private static int freeSlot(List<ComputeNodes.Node> held) {
        Set<Integer> taken = new HashSet<>();
        held.forEach(node -> taken.add(node.slot()));
        int slot = 0;
        while (taken.contains(slot)) {
            slot++;
        }
        return slot;
    }

    private String nodeId(ResourceId compute) {
        return "tvmps_" + compute.name().toLowerCase(Locale.ROOT) + "_" + String.format("%08x", random.nextInt());
    }

    public void release(NodeLease lease, Instant now) {
        nodes.release(lease.compute().key(), lease.nodeId(), lease.job(), now);
    }

    /**
     * Frees the nodes leased to jobs of servers not in {@code running}: this server's before a restart, or those of
     * a replica no longer seen (their jobs ended with them).
     */
    public int releaseAllBut(Set<String> running, Instant now) {
        return nodes.releaseAllBut(running, now);
    }

    /** Brings a cluster to at least its minimum, or an instance to its one node. Returns whether the count changed. */
    public boolean ensureMinimum(ResourceId compute, int minimum, Instant now) {
        boolean changed = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<ComputeNodes.Node> held = nodes.list(compute.key());
            if (held.size() >= minimum) {
                return changed;
            }
            changed |= nodes.add(compute.key(), freeSlot(held), nodeId(compute), null, null, now);
        }
        return changed;
    }

    /** Nodes that left, and the node-seconds they ran (what their cost is computed from). */
    public record Departed(int nodes, double nodeSeconds) {
        static final Departed NONE = new Departed(0, 0);
    }

    /** Removes idle nodes past {@code idle} above {@code minimum}. */
    public Departed scaleDown(ResourceId compute, int minimum, Duration idle, Instant now) {
        List<ComputeNodes.Node> held = nodes.list(compute.key());
        int left = held.size();
        int removed = 0;
        double seconds = 0;
        // Highest slots first: the lowest stay taken, so that a node added next takes the slot just freed.
        for (int i = held.size() - 1; i >= 0 && left > minimum; i--) {
            ComputeNodes.Node node = held.get(i);
            if (node.idle() && !node.idleSince().plus(idle).isAfter(now)
                    && nodes.removeIdle(compute.key(), node.nodeId())) {
                seconds += seconds(node.since(), now);
                left--;
                removed++;
            }
        }
        return removed == 0 ? Departed.NONE : new Departed(removed, seconds);
    }

    /** Stops every node of a compute (instance stopped, compute deleted); jobs on them must have been stopped. */
    public Departed stopAll(ResourceId compute, Instant now) {
        List<ComputeNodes.Node> removed = nodes.removeAll(compute.key());
        double seconds = 0;
        for (ComputeNodes.Node node : removed) {
            seconds += seconds(node.since(), now);
        }
        return removed.isEmpty() ? Departed.NONE : new Departed(removed.size(), seconds);
    }

    /** The keys of the computes that hold nodes. */
    public Set<String> computeKeys() {
        return Set.copyOf(nodes.counts().keySet());
    }

    /** Removes the nodes of a compute by its key (one whose row went by another path than its own delete). */
    public void forgetKey(String key) {
        nodes.removeAll(key);
    }

    /** How many nodes each compute that has any holds, by compute key. */
    public Map<String, Integer> nodeCounts() {
        return nodes.counts();
    }

    public int nodeCount(ResourceId compute) {
        return nodes.list(compute.key()).size();
    }

    public int busyCount(ResourceId compute) {
        return (int) nodes.list(compute.key()).stream().filter(node -> !node.idle()).count();
    }

    /** When the compute last had no job running on it (null while busy or without nodes). */
    public Optional<Instant> idleSince(ResourceId compute) {
        List<ComputeNodes.Node> held = nodes.list(compute.key());
        if (held.isEmpty() || held.stream().anyMatch(node -> !node.idle())) {
            return Optional.empty();
        }
        return held.stream().map(ComputeNodes.Node::idleSince).max(Instant::compareTo);
    }

    /** Node-seconds of the nodes running now. */
    public double liveNodeSeconds(ResourceId compute, Instant now) {
        double total = 0;
        for (ComputeNodes.Node node : nodes.list(compute.key())) {
            total += seconds(node.since(), now);
        }
        return total;
    }

    public List<NodeView> nodes(ResourceId compute) {
        return nodes.list(compute.key()).stream().map(node -> new NodeView(node.nodeId(),
                node.idle() ? "idle" : "running", node.job(), node.idle() ? node.idleSince() : node.since())).toList();
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
