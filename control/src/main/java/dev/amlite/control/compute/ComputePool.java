package dev.amlite.control.compute;

import dev.amlite.core.ResourceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nodes of every compute and who uses them (CP-1): a job leases a free node, or a cluster adds one up to its
 * maximum when the quota allows; nodes idle longer than the cluster's idle time leave, down to its minimum. State is
 * in memory; the compute documents carry the counts a reader sees. Every method is short and synchronized: the
 * pool is touched by job dispatch and by the scheduler's tick, never per scoring request.
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

    private static final class Node {
        final String id;
        final Instant since;
        String job;
        Instant idleSince;

        Node(String id, Instant now) {
            this.id = id;
            this.since = now;
            this.idleSince = now;
        }
    }

    private static final class Nodes {
        final List<Node> nodes = new ArrayList<>();
    }

    private final Map<String, Nodes> computes = new HashMap<>();
    private final AtomicLong counter = new AtomicLong();

    private Nodes nodes(ResourceId compute) {
        return computes.computeIfAbsent(compute.key(), k -> new Nodes());
    }

    /**
     * A free node for {@code job}: an idle one, else a new one when {@code canAdd} says the cluster may grow (its
     * maximum and quota). {@code running} is false for a stopped instance, which gets no node.
     */
    public synchronized Acquisition acquire(ResourceId compute, ComputeSpec spec, boolean running, String job,
                                            Instant now, java.util.function.IntPredicate quotaAllows) {
        if (!running) {
            return Acquisition.waiting("compute '" + compute.name() + "' is not running; start it with 'amlite ml "
                    + "compute start -n " + compute.name() + "'");
        }
        Nodes state = nodes(compute);
        for (Node node : state.nodes) {
            if (node.job == null) {
                node.job = job;
                return Acquisition.granted(new NodeLease(compute, node.id, job), false);
            }
        }
        if (state.nodes.size() >= spec.maxNodes()) {
            return Acquisition.waiting("all " + state.nodes.size() + " node(s) of '" + compute.name() + "' are busy "
                    + "(max_instances " + spec.maxNodes() + ")");
        }
        if (!quotaAllows.test(spec.size().vCpus())) {
            return Acquisition.waiting("no quota for another " + spec.size().name() + " node of '" + compute.name()
                    + "' (family " + spec.size().family() + ")");
        }
        Node node = new Node(nodeId(compute), now);
        node.job = job;
        state.nodes.add(node);
        return Acquisition.granted(new NodeLease(compute, node.id, job), true);
    }

    private String nodeId(ResourceId compute) {
        return "tvmps_" + compute.name().toLowerCase(Locale.ROOT) + "_" + counter.incrementAndGet();
    }

    public synchronized void release(NodeLease lease, Instant now) {
        Nodes state = computes.get(lease.compute().key());
        if (state == null) {
            return;
        }
        for (Node node : state.nodes) {
            if (node.id.equals(lease.nodeId()) && lease.job().equals(node.job)) {
                node.job = null;
                node.idleSince = now;
            }
        }
    }

    /** Brings a cluster to at least its minimum, or an instance to its one node. Returns whether the count changed. */
    public synchronized boolean ensureMinimum(ResourceId compute, int minimum, Instant now) {
        Nodes state = nodes(compute);
        boolean changed = false;
        while (state.nodes.size() < minimum) {
            state.nodes.add(new Node(nodeId(compute), now));
            changed = true;
        }
        return changed;
    }

    /** Nodes that left, and the node-seconds they ran (what their cost is computed from). */
    public record Departed(int nodes, double nodeSeconds) {
        static final Departed NONE = new Departed(0, 0);
    }

    /** Removes idle nodes past {@code idle} above {@code minimum}. */
    public synchronized Departed scaleDown(ResourceId compute, int minimum, Duration idle, Instant now) {
        Nodes state = computes.get(compute.key());
        if (state == null) {
            return Departed.NONE;
        }
        int removed = 0;
        double seconds = 0;
        for (var it = state.nodes.iterator(); it.hasNext() && state.nodes.size() > minimum; ) {
            Node node = it.next();
            if (node.job == null && !node.idleSince.plus(idle).isAfter(now)) {
                seconds += seconds(node.since, now);
                it.remove();
                removed++;
            }
        }
        return new Departed(removed, seconds);
    }

    /** Stops every node of a compute (instance stopped, compute deleted); jobs on them must have been stopped. */
    public synchronized Departed stopAll(ResourceId compute, Instant now) {
        Nodes state = computes.get(compute.key());
        if (state == null) {
            return Departed.NONE;
        }
        double seconds = 0;
        for (Node node : state.nodes) {
            seconds += seconds(node.since, now);
        }
        int count = state.nodes.size();
        state.nodes.clear();
        return new Departed(count, seconds);
    }

    public synchronized void forget(ResourceId compute) {
        computes.remove(compute.key());
    }

    /** The keys of the computes the pool holds nodes or state for. */
    public synchronized Set<String> computeKeys() {
        return Set.copyOf(computes.keySet());
    }

    /** Forgets the state of a compute by its key (one whose row went by another path than its own delete). */
    public synchronized void forgetKey(String key) {
        computes.remove(key);
    }

    public synchronized int nodeCount(ResourceId compute) {
        Nodes state = computes.get(compute.key());
        return state == null ? 0 : state.nodes.size();
    }

    public synchronized int busyCount(ResourceId compute) {
        Nodes state = computes.get(compute.key());
        return state == null ? 0 : (int) state.nodes.stream().filter(n -> n.job != null).count();
    }

    /** When the compute last had no job running on it (null while busy or without nodes). */
    public synchronized Optional<Instant> idleSince(ResourceId compute) {
        Nodes state = computes.get(compute.key());
        if (state == null || state.nodes.isEmpty() || state.nodes.stream().anyMatch(n -> n.job != null)) {
            return Optional.empty();
        }
        return state.nodes.stream().map(n -> n.idleSince).max(Instant::compareTo);
    }

    /** Node-seconds of the nodes running now. */
    public synchronized double liveNodeSeconds(ResourceId compute, Instant now) {
        Nodes state = computes.get(compute.key());
        if (state == null) {
            return 0;
        }
        double total = 0;
        for (Node node : state.nodes) {
            total += seconds(node.since, now);
        }
        return total;
    }

    public synchronized List<NodeView> nodes(ResourceId compute, Instant now) {
        Nodes state = computes.get(compute.key());
        if (state == null) {
            return List.of();
        }
        return state.nodes.stream().map(n -> new NodeView(n.id, n.job == null ? "idle" : "running", n.job,
                n.job == null ? n.idleSince : n.since)).toList();
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
