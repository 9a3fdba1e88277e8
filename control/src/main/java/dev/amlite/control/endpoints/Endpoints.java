package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.assets.AssetUses;
import dev.amlite.control.assets.Assets;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.control.replicas.Replicas;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.Workspaces;
import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.store.Operation;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online endpoints feature composed (EP-1 … EP-10): the ARM handlers, the long-running work behind them,
 * the serving host that runs deployments' instances, and the scoring router. On start it rebuilds the router's
 * table and starts the instances of every deployment that was serving when the server stopped.
 */
public final class Endpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
    private final TrackedResources tracked;
    private final Replicas replicas;
    private final ResourceStore store;
    private final ServingHost host;
    private final ScoringRoutes routes;
    private final EndpointAuth auth;
    private final OnlineEndpointHandler endpoints;
    private final OnlineDeploymentHandler deployments;
    private final DeploymentSkuHandler skus;
    private final ScoringService scoring;
    /** Each deployment's etag as this server last followed it (ids in lower case). */
    private final Map<String, String> followed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("endpoint-reconciler").factory());

    public Endpoints(TrackedResources tracked, ResourceSecrets secrets, Assets assets, Workspaces workspaces,
                     OperationRunner operations, ServingConfig config, EventLoops loops, MeterRegistry meters,
                     Clock clock, dev.amlite.control.quota.Quotas quotas, Replicas replicas) {
        this.tracked = tracked;
        this.replicas = replicas;
        this.store = tracked.store();
        this.host = new ServingHost(config, assets, loops, meters);
        this.auth = new EndpointAuth(secrets, clock, config.tokenLifetime());
        this.routes = new ScoringRoutes(store, auth, host, config);
        this.endpoints = new OnlineEndpointHandler(tracked, auth, routes, operations, config.scoringPort());
        this.deployments = new OnlineDeploymentHandler(tracked, quotas, host,
                operations);
        this.skus = new DeploymentSkuHandler(tracked);
        this.scoring = new ScoringService(routes, workspaces.gate(), config, clock);
        operations.register(OnlineDeploymentHandler.APPLY_OPERATION, worker(this::apply));
        operations.register(OnlineDeploymentHandler.DELETE_OPERATION, worker(this::deleteDeployment));
        operations.register(OnlineEndpointHandler.DELETE_OPERATION, worker(this::deleteEndpoint));
    }

    private interface Work {
        void run(ResourceId id) throws InterruptedException;
    }

    private static OperationWorker worker(Work work) {
        return new OperationWorker() {
            @Override
            public void run(Operation operation) {
                try {
                    work.run(ResourceId.parse(operation.resourceId()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted", e);
                }
            }

            @Override
            public boolean resumable() {
                return true;
            }
        };
    }

    public void register(HandlerRegistry.Builder registry, Workspaces workspaces) {
        registry.register(OnlineEndpointHandler.TYPE, workspaces.guard(endpoints));
        registry.register(OnlineDeploymentHandler.TYPE, workspaces.guard(deployments));
        registry.register(DeploymentSkuHandler.TYPE, workspaces.guard(skus));
    }

    /** The scoring router, mounted by the server at {@code /inference}. */
    public ScoringService scoringService() {
        return scoring;
    }

    /**
     * Starts what was serving before the last stop (instances come up in the background), and a check every second
     * that stops serving what left the store ({@link #stopGone()}).
     */
    public void start() {
        // Folder times are the file system's: compared with the wall clock, not the injected one. Taken before any
        // deployment starts here (operations resume after this), so nothing of this server's is taken for a leftover.
        host.removeLeftovers(java.time.Instant.now());
        reconciler.scheduleWithFixedDelay(() -> {
            try {
                List<StoredResource> endpointRows = store.listByType(OnlineEndpointHandler.TYPE);
                List<StoredResource> deploymentRows = store.listByType(OnlineDeploymentHandler.TYPE);
                stopGone(endpointRows, deploymentRows);
                follow(endpointRows, deploymentRows);
            } catch (RuntimeException e) {
                LOG.warn("Checking the endpoints against the store failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        for (StoredResource endpoint : store.listByType(OnlineEndpointHandler.TYPE)) {
            if ("Deleting".equals(endpoint.provisioningState())) {
                continue;
            }
            auth.ensure(endpoint.id());
            routes.refresh(endpoint.id());
            for (StoredResource deployment : store.listChildren(endpoint.id(), OnlineDeploymentHandler.TYPE)) {
                if ("Succeeded".equals(deployment.provisioningState())) {
                    followed.put(key(deployment), deployment.etag());
                    Thread.ofVirtual().name("restore-" + deployment.id().name()).start(() -> restore(deployment));
                }
            }
        }
    }

    private void restore(StoredResource deployment) {
        try {
            DeploymentSpec spec = DeploymentSpec.parse(deployment.document(), tracked.catalog(), deployment.location());
            host.apply(deployment.id(), spec);
            routes.refresh(deployment.id().parent());
            LOG.info("Deployment {} serves again after the restart", deployment.id().id());
        } catch (ArmException e) {
            LOG.warn("Deployment {} could not be started again: {}", deployment.id().id(), e.getMessage());
            // Its state is every replica's: while other servers are seen, they may serve it, and it stays theirs.
            if (replicas.others().isEmpty()) {
                setState(deployment.id(), "Failed");
            }
            routes.refresh(deployment.id().parent());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Deployment {} could not be started again", deployment.id().id(), e);
        }
    }

    private void apply(ResourceId id) throws InterruptedException {
        StoredResource deployment = tracked.existing(id);
        try {
            DeploymentSpec spec = DeploymentSpec.parse(deployment.document(), tracked.catalog(), deployment.location());
            host.apply(id, spec);
            setState(id, "Succeeded");
        } catch (InterruptedException | RuntimeException e) {
            setState(id, "Failed");
            routes.refresh(id.parent());
            throw e;
        }
        routes.refresh(id.parent());
    }

    private void deleteDeployment(ResourceId id) {
        routes.refresh(id.parent());
        host.remove(id);
        store.deleteTree(id);
        routes.refresh(id.parent());
    }

    /**
     * Hard-deletes the online endpoints of a workspace being deleted, soft or for good, as Azure does (its soft
     * delete keeps models and runs, not inference endpoints): their rows and keys go, their instances stop, and their
     * scoring URIs answer 404 before the workspace's delete returns.
     */
    public synchronized void tearDown(StoredResource workspace) {
        for (StoredResource endpoint : store.listChildren(workspace.id(), OnlineEndpointHandler.TYPE)) {
            deleteEndpoint(endpoint.id());
            LOG.info("Online endpoint {} deleted with its workspace", endpoint.id().id());
        }
    }

    /**
     * The deployments in {@code workspace} that start from an asset version {@code deleted} accepts (an
     * {@code AssetUses.User}): a deployment needs its model, code and environment again whenever its instances start,
     * after a restart of the server or an update, so those are not deleted under it.
     */
    public List<String> assetUsers(ResourceId workspace, Predicate<ResourceId> deleted) {
        List<String> users = new ArrayList<>();
        for (StoredResource endpoint : store.listChildren(workspace, OnlineEndpointHandler.TYPE)) {
            for (StoredResource deployment : store.listChildren(endpoint.id(), OnlineDeploymentHandler.TYPE)) {
                JsonNode properties = deployment.document().path("properties");
                if (AssetUses.names(properties.path("model").asText(null), deleted)
                        || AssetUses.names(properties.path("codeConfiguration").path("codeId").asText(null), deleted)
                        || AssetUses.names(properties.path("environmentId").asText(null), deleted)) {
                    users.add(user(endpoint, deployment));
                }
            }
        }
        return users;
    }

    /**
     * A deployment as an asset's user reads it. One on its way out says so: a delete started with --no-wait still
     * holds its assets until it ends, and the user who started it should wait rather than look for another user.
     */
    static String user(StoredResource endpoint, StoredResource deployment) {
        String named = "online deployment '" + deployment.id().name() + "' of endpoint '" + endpoint.id().name() + "'";
        if ("Deleting".equals(endpoint.provisioningState())) {
            return named + " (being deleted with its endpoint: wait for that delete to end)";
        }
        return "Deleting".equals(deployment.provisioningState())
                ? named + " (being deleted: wait for that delete to end)" : named;
    }

    /**
     * Stops serving what is no longer in the store: endpoints and deployments deleted with their resource group, or
     * by any path that deletes rows without this feature (a deployment's start that outlived its row). A gone
     * endpoint's keys open nothing from then on. What runs is read before the store, so that what starts meanwhile
     * (its row is written first) is never taken for gone.
     */
    public void stopGone() {
        stopGone(store.listByType(OnlineEndpointHandler.TYPE), store.listByType(OnlineDeploymentHandler.TYPE));
    }

    private synchronized void stopGone(List<StoredResource> endpointRows, List<StoredResource> deploymentRows) {
        Set<String> routed = routes.routedIds();
        Set<String> hosted = host.hostedIds();
        Set<String> stored = new HashSet<>();
        endpointRows.forEach(row -> stored.add(key(row)));
        deploymentRows.forEach(row -> stored.add(key(row)));
        for (String endpoint : routed) {
            if (!stored.contains(endpoint)) {
                routes.refresh(ResourceId.parse(endpoint));
                LOG.info("Online endpoint {} is gone from the store; it no longer serves", endpoint);
            }
        }
        for (String deployment : hosted) {
            if (!stored.contains(deployment)) {
                host.remove(ResourceId.parse(deployment));
                LOG.info("Deployment {} is gone from the store; its instances stopped", deployment);
            }
        }
    }

    /**
     * Follows what other servers sharing the store (replicas) changed: an endpoint whose row changed since this
     * server last routed it (traffic, mirror, auth mode, regenerated keys) is routed again, and a deployment that
     * succeeded elsewhere with a spec this server does not run yet is started or rolled here, in the background, as
     * at a restart. Rows this server wrote itself come back unchanged in effect: a route made again, a spec already
     * running. A deployment that cannot start here is logged and tried again when its row next changes; its state,
     * shared by every replica, is left as its own server set it.
     */
    private void follow(List<StoredResource> endpointRows, List<StoredResource> deploymentRows) {
        Set<String> stored = new HashSet<>();
        deploymentRows.forEach(row -> stored.add(key(row)));
        followed.keySet().retainAll(stored);
        for (StoredResource endpoint : endpointRows) {
            // Routed at another etag: another server changed it. Not routed at all: it was made through another.
            if (!"Deleting".equals(endpoint.provisioningState()) && !routes.routedAt(endpoint.id(), endpoint.etag())) {
                routes.refresh(endpoint.id());
            }
        }
        for (StoredResource deployment : deploymentRows) {
            if (!"Succeeded".equals(deployment.provisioningState())
                    || deployment.etag().equals(followed.put(key(deployment), deployment.etag()))) {
                continue;
            }
            DeploymentSpec spec;
            try {
                spec = DeploymentSpec.parse(deployment.document(), tracked.catalog(), deployment.location());
            } catch (ArmException e) {
                LOG.warn("Deployment {} changed in the store but cannot be read: {}", deployment.id().id(), e.getMessage());
                continue;
            }
            DeploymentRuntime runtime = host.runtime(deployment.id());
            DeploymentRuntime.Generation running = runtime == null ? null : runtime.current();
            if (running != null && running.spec().equals(spec)) {
                continue;
            }
            Thread.ofVirtual().name("follow-" + deployment.id().name()).start(() -> {
                try {
                    host.apply(deployment.id(), spec);
                    routes.refresh(deployment.id().parent());
                    LOG.info("Deployment {} serves here as another server changed it", deployment.id().id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("Deployment {}, changed by another server, could not start here: {}",
                            deployment.id().id(), e.getMessage());
                }
            });
        }
    }

    private static String key(StoredResource row) {
        return row.id().id().toLowerCase(Locale.ROOT);
    }

    private void deleteEndpoint(ResourceId id) {
        routes.drop(id);
        for (StoredResource deployment : store.listChildren(id, OnlineDeploymentHandler.TYPE)) {
            host.remove(deployment.id());
        }
        store.deleteTree(id);
        auth.delete(id);
        routes.refresh(id);
    }

    /** Sets a provisioning state, re-reading the row if another write got there first. */
    private void setState(ResourceId id, String state) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<StoredResource> row = store.get(id);
            if (row.isEmpty()) {
                return;
            }
            ObjectNode document = row.get().documentCopy();
            document.with("properties").put("provisioningState", state);
            try {
                store.replace(row.get(), row.get().location(), document);
                return;
            } catch (ArmException e) {
                LOG.debug("Retrying the state change of {}: {}", id.id(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        scoring.close();
        host.close();
    }
}
