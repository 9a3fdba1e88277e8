package dev.amlite.control.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.control.quota.QuotaUsage;
import dev.amlite.control.quota.Quotas;
import dev.amlite.control.resources.DocumentEdit;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.Workspaces;
import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compute instances and clusters (CP-1): the {@code workspaces/computes} type, the nodes jobs lease, and a tick each
 * second that fires instance schedules, stops idle instances and scales idle cluster nodes down. What a reader sees
 * (state, node counts, node-hours) is written to the compute's document when it changes, so a restart keeps it.
 */
public final class Computes implements AutoCloseable {
    public static final String TYPE = "Microsoft.MachineLearningServices/workspaces/computes";
    static final String TYPE_KEY = TYPE.toLowerCase(Locale.ROOT);
    static final String START = "compute.start";
    static final String STOP = "compute.stop";
    static final String RESTART = "compute.restart";
    private static final Logger LOG = LoggerFactory.getLogger(Computes.class);

    private final ResourceStore store;
    private final Catalog catalog;
    private final ComputePool pool;
    private final NodeBackend backend;
    private final Clock clock;
    private final ComputeHandler handler;
    private Quotas quotas;
    private Function<ResourceId, List<String>> waitingJobs = compute -> List.of();
    private Instant lastTick;
    private ScheduledExecutorService ticker;

    public Computes(TrackedResources tracked, OperationRunner operations, ComputePool pool, NodeBackend backend,
                    Clock clock) {
        this.store = tracked.store();
        this.catalog = tracked.catalog();
        this.pool = pool;
        this.backend = backend;
        this.clock = clock;
        this.handler = new ComputeHandler(tracked, this, operations);
        operations.register(START, worker(id -> setInstanceState(id, "Running")));
        operations.register(STOP, worker(id -> setInstanceState(id, "Stopped")));
        operations.register(RESTART, worker(id -> {
            setInstanceState(id, "Stopped");
            setInstanceState(id, "Running");
        }));
    }

    private static OperationWorker worker(Consumer<ResourceId> work) {
        return new OperationWorker() {
            @Override
            public void run(Operation operation) {
                work.accept(ResourceId.parse(operation.resourceId()));
            }

            @Override
            public boolean resumable() {
                return true;
            }
        };
    }

    /** The quota computes are checked against; set once by the composing code (the quotas count computes too). */
    public void useQuotas(Quotas quotas) {
        this.quotas = quotas;
    }

    /**
     * Names the jobs waiting for a node of a compute; set once by the composing code (jobs depend on computes, not
     * the other way), so that a compute is not deleted from under jobs that wait for it.
     */
    public void useWaitingJobs(Function<ResourceId, List<String>> jobs) {
        this.waitingJobs = jobs;
    }

    List<String> waitingJobs(ResourceId compute) {
        return waitingJobs.apply(compute);
    }

    Quotas quotas() {
        return quotas;
    }

    Catalog catalog() {
        return catalog;
    }

    ComputePool pool() {
        return pool;
    }

    Clock clock() {
        return clock;
    }

    public NodeBackend backend() {
        return backend;
    }

    public void register(HandlerRegistry.Builder registry, Workspaces workspaces) {
        registry.register(TYPE, workspaces.guard(handler));
    }

    /** What computes hold of the vCPU quota: a running instance its size, a cluster its nodes (at least its minimum). */
    public QuotaUsage usage() {
        return (subscriptionId, region, family, excluding) -> {
            int total = 0;
            Map<String, Integer> nodes = pool.nodeCounts();
            for (StoredResource compute : store.listInSubscription(subscriptionId, TYPE_KEY)) {
                if ((excluding != null && compute.id().key().equals(excluding.key()))
                        || !region.equalsIgnoreCase(compute.location())) {
                    continue;
                }
                Optional<ComputeSpec> spec = spec(compute);
                if (spec.isEmpty() || !spec.get().size().family().equalsIgnoreCase(family)) {
                    continue;
                }
                total += spec.get().vCpus(heldNodes(compute, spec.get(), nodes.getOrDefault(compute.id().key(), 0)));
            }
            return total;
        };
    }

    static int heldNodes(StoredResource compute, ComputeSpec spec, int nodes) {
        if (spec.kind() == ComputeKind.COMPUTE_INSTANCE) {
            return "Stopped".equals(instanceState(compute)) ? 0 : 1;
        }
        return Math.max(spec.minNodes(), nodes);
    }

    Optional<ComputeSpec> spec(StoredResource compute) {
        try {
            return Optional.of(ComputeSpec.parse(compute.document().path("properties"), catalog, compute.location()));
        } catch (ArmException e) {
            return Optional.empty();
        }
    }

    static String instanceState(StoredResource compute) {
        return compute.document().path("properties").path("properties").path("state").asText("Running");
    }

    /** Starts the ticker and brings back the nodes computes had before a restart (their minimum; instances running). */
    public void start() {
        Instant now = clock.instant();
        lastTick = now;
        for (StoredResource compute : store.listByType(TYPE_KEY)) {
            spec(compute).ifPresent(spec -> {
                if (spec.kind() == ComputeKind.AML_COMPUTE) {
                    pool.ensureMinimum(compute.id(), spec.minNodes(), now);
                } else if (!"Stopped".equals(instanceState(compute))) {
                    pool.ensureMinimum(compute.id(), 1, now);
                }
                recordNodes(compute.id(), 0);
            });
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "compute-ticker");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick(clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("Compute tick failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * One pass of the schedules: instance schedules due in (last tick, now] fire, idle instances stop, idle cluster
     * nodes above the minimum leave. Public so that a test drives it with its own clock.
     */
    public synchronized void tick(Instant now) {
        Instant previous = lastTick == null ? now : lastTick;
        lastTick = now;
        Set<String> held = pool.computeKeys();
        List<StoredResource> stored = store.listByType(TYPE_KEY);
        forgetAllBut(held, stored);
        for (StoredResource compute : stored) {
            Optional<ComputeSpec> parsed = spec(compute);
            if (parsed.isEmpty()) {
                continue;
            }
            ComputeSpec spec = parsed.get();
            if (spec.kind() == ComputeKind.AML_COMPUTE) {
                ComputePool.Departed departed = pool.scaleDown(compute.id(), spec.minNodes(), spec.idleBeforeScaleDown(), now);
                boolean added = pool.ensureMinimum(compute.id(), spec.minNodes(), now);
                if (departed.nodes() > 0 || added) {
                    LOG.info("Cluster {} scaled to {} node(s)", compute.id().name(), pool.nodeCount(compute.id()));
                    recordNodes(compute.id(), departed.nodeSeconds());
                }
                continue;
            }
            String state = instanceState(compute);
            InstanceDecision decision = InstanceDecision.decide(spec, state, previous, now,
                    pool.idleSince(compute.id()).orElse(null), pool.busyCount(compute.id()) > 0);
            if (decision != InstanceDecision.NONE) {
                LOG.info("Compute instance {}: {}", compute.id().name(), decision.reason());
                setInstanceState(compute.id(), decision.target());
            }
        }
    }

    /** Moves an instance to Running (its node starts) or Stopped (its node stops, after its jobs are gone). */
    void setInstanceState(ResourceId id, String target) {
        Instant now = clock.instant();
        ComputePool.Departed departed = ComputePool.Departed.NONE;
        if (target.equals("Running")) {
            pool.ensureMinimum(id, 1, now);
        } else {
            if (pool.busyCount(id) > 0) {
                LOG.info("Compute instance {} keeps running: a job runs on it", id.name());
                return;
            }
            departed = pool.stopAll(id, now);
        }
        double seconds = departed.nodeSeconds();
        edit(id, properties -> {
            properties.put("state", target);
            addNodeSeconds(properties, seconds);
        });
    }

    /** Writes the node count (and node-seconds of nodes that left) to the document. */
    void recordNodes(ResourceId id, double departedSeconds) {
        int count = pool.nodeCount(id);
        edit(id, properties -> {
            if (properties.has("scaleSettings")) {
                properties.put("currentNodeCount", count);
                properties.put("targetNodeCount", count);
            }
            addNodeSeconds(properties, departedSeconds);
        });
    }

    private static void addNodeSeconds(ObjectNode properties, double seconds) {
        if (seconds > 0) {
            properties.put("nodeSecondsUsed", properties.path("nodeSecondsUsed").asDouble(0) + seconds);
        }
    }

    /** Read-modify-write of the inner properties, retried when a user's write got there first. */
    private void edit(ResourceId id, Consumer<ObjectNode> change) {
        try {
            DocumentEdit.apply(store, id, document -> change.accept(document.with("properties").with("properties")));
        } catch (ArmException e) {
            LOG.warn("Could not record the state of compute {}: {}", id.id(), e.getMessage());
        }
    }

    /**
     * A node of {@code compute} for {@code job}, or why the job waits. A cluster grows by one node when it is below
     * its maximum and the family's quota has room.
     */
    public ComputePool.Acquisition acquire(ResourceId computeId, String job) {
        StoredResource compute = store.get(computeId).orElse(null);
        if (compute == null) {
            return ComputePool.Acquisition.never("compute '" + computeId.name() + "' was deleted after the job was "
                    + "submitted");
        }
        Optional<ComputeSpec> parsed = spec(compute);
        if (parsed.isEmpty()) {
            return ComputePool.Acquisition.never("compute '" + computeId.name() + "' has a size amlite no longer "
                    + "offers");
        }
        ComputeSpec spec = parsed.get();
        boolean running = spec.kind() == ComputeKind.AML_COMPUTE || !"Stopped".equals(instanceState(compute));
        Instant now = clock.instant();
        ComputePool.Acquisition acquisition = pool.acquire(computeId, spec, running, job, now, nodes -> {
            if (nodes <= spec.minNodes()) {
                return true; // the cluster's minimum is counted in the usage already
            }
            int limit = quotas.limit(computeId.subscriptionId(), compute.location(), spec.size());
            int others = quotas.usage(computeId.subscriptionId(), compute.location(), spec.size().family(), computeId);
            return others + spec.vCpus(nodes) <= limit;
        });
        if (acquisition.scaledUp()) {
            LOG.info("Cluster {} scaled up to {} node(s) for job {}", computeId.name(), pool.nodeCount(computeId), job);
            recordNodes(computeId, 0);
        }
        return acquisition;
    }

    public void release(ComputePool.NodeLease lease) {
        pool.release(lease, clock.instant());
    }

    /**
     * Deletes the computes of a workspace being deleted, soft or for good (a {@code WorkspaceTeardown}), as Azure
     * hard-deletes computes with a workspace's soft delete: their nodes stop, and a recovered workspace holds no
     * quota it did not ask for again. Runs after the jobs' teardown, which ended the jobs on them.
     */
    public void tearDown(StoredResource workspace) {
        for (StoredResource compute : store.listChildren(workspace.id(), TYPE_KEY)) {
            store.deleteTree(compute.id());
            deleted(compute.id());
            LOG.info("Compute {} deleted with its workspace", compute.id().id());
        }
    }

    /**
     * Forgets the nodes of computes no longer stored: those deleted with their resource group or moved with their
     * workspace, whose rows go without the compute's own delete. Without this a compute made again under the same
     * name inherited the old one's nodes: its node count, its quota and its node-seconds. The pool is read before the
     * store, so that a compute made meanwhile (its row is written before it gets nodes) is never taken for gone.
     */
    public synchronized void forgetGone() {
        Set<String> held = pool.computeKeys();
        if (!held.isEmpty()) {
            forgetAllBut(held, store.listByType(TYPE_KEY));
        }
    }

    /** Forgets those of {@code held} (pool keys, read before {@code stored}) that have no row in {@code stored}. */
    private void forgetAllBut(Set<String> held, List<StoredResource> stored) {
        Set<String> kept = new HashSet<>();
        stored.forEach(compute -> kept.add(compute.id().key()));
        for (String key : held) {
            if (!kept.contains(key)) {
                pool.forgetKey(key);
                LOG.info("Compute {} is gone from the store; its nodes stopped", key);
            }
        }
    }

    /** For the handler: nodes leave with their compute. */
    void deleted(ResourceId id) {
        pool.stopAll(id, clock.instant());
    }

    /**
     * Frees the nodes leased to jobs of servers not in {@code running}: at this server's start (its jobs before a
     * crash ended with it) and when a replica stops being seen.
     */
    public void releaseLeasesOfServersNotIn(Set<String> running) {
        int freed = pool.releaseAllBut(running, clock.instant());
        if (freed > 0) {
            LOG.info("{} compute node(s) leased to jobs of servers no longer running them are free again", freed);
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
