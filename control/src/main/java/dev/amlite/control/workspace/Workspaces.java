package dev.amlite.control.workspace;

import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.insights.ApplicationInsightsHandler;
import dev.amlite.control.keyvault.DeletedVaultHandler;
import dev.amlite.control.keyvault.KeyVaults;
import dev.amlite.control.keyvault.VaultHandler;
import dev.amlite.control.keyvault.VaultKeyHandler;
import dev.amlite.control.keyvault.VaultSecretHandler;
import dev.amlite.control.network.PrivateDnsZoneGroupHandler;
import dev.amlite.control.network.PrivateEndpointHandler;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.registry.ContainerRegistryHandler;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.storage.StorageAccountHandler;
import dev.amlite.control.workspace.WorkspaceDependencies.Kind;
import dev.amlite.store.StoredResource;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace feature composed: the providers of the dependent resources (storage, key vault, registry,
 * insights, private endpoints and DNS) and of workspaces with their connections and private endpoint
 * connections; plus the maintenance task that syncs keys on the configured interval and purges soft-deleted
 * workspaces and vaults when their retention ends.
 */
public final class Workspaces implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);
    private final TrackedResources tracked;
    private final WorkspaceHandler workspaces;
    private final WorkspaceKeys keys;
    private final DeletedVaultHandler deletedVaults;
    private final NetworkGate gate;
    private final Map<String, ResourceTypeHandler> handlers;
    private final ScheduledExecutorService maintenance;
    private final WorkspaceSecrets secrets;
    private final StorageAccountHandler storage;

    private Workspaces(TrackedResources tracked, WorkspaceHandler workspaces, WorkspaceKeys keys,
                       DeletedVaultHandler deletedVaults, NetworkGate gate, Map<String, ResourceTypeHandler> handlers,
                       WorkspaceSecrets secrets, StorageAccountHandler storage) {
        this.secrets = secrets;
        this.storage = storage;
        this.tracked = tracked;
        this.workspaces = workspaces;
        this.keys = keys;
        this.deletedVaults = deletedVaults;
        this.gate = gate;
        this.handlers = handlers;
        this.maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("workspace-maintenance").factory());
    }

    public static Workspaces create(TrackedResources tracked, ResourceSecrets secrets, Authorizer authorizer,
                                    Duration retention) {
        StorageAccountHandler storage = new StorageAccountHandler(tracked, secrets,
                account -> WorkspaceDependencies.refuseStorageDeleteWhileUsed(tracked.store(), account));
        KeyVaults vaults = new KeyVaults(tracked, secrets);
        VaultHandler vault = new VaultHandler(tracked);
        ContainerRegistryHandler registry = new ContainerRegistryHandler(tracked, secrets);
        ApplicationInsightsHandler insights = new ApplicationInsightsHandler(tracked);
        WorkspaceDependencies dependencies = new WorkspaceDependencies(tracked, authorizer, Map.of(
                Kind.STORAGE, storage, Kind.KEY_VAULT, vault, Kind.INSIGHTS, insights, Kind.REGISTRY, registry));
        WorkspaceKeys keys = new WorkspaceKeys(tracked.store(), secrets, storage, registry, tracked.clock());
        WorkspaceEncryption encryption = new WorkspaceEncryption(vaults, secrets);
        WorkspaceSecrets workspaceSecrets = new WorkspaceSecrets(tracked.store(), vaults, encryption);
        WorkspaceHandler workspaces = new WorkspaceHandler(tracked, dependencies, keys, encryption,
                new WorkspaceDiagnosis(tracked.store()), new CmkResources(tracked.store(), tracked.clock()), retention);
        WorkspacePrivateLink privateLink = new WorkspacePrivateLink(tracked, authorizer);
        NetworkGate gate = new NetworkGate(tracked.store());
        DeletedVaultHandler deletedVaults = new DeletedVaultHandler(tracked.store(), tracked.clock());
        Map<String, ResourceTypeHandler> handlers = Map.ofEntries(
                Map.entry(StorageAccountHandler.TYPE, storage),
                Map.entry(VaultHandler.TYPE, vault),
                Map.entry(VaultSecretHandler.TYPE, new VaultSecretHandler(vaults)),
                Map.entry(VaultKeyHandler.TYPE, new VaultKeyHandler(vaults)),
                Map.entry("Microsoft.KeyVault/deletedVaults", deletedVaults),
                Map.entry("Microsoft.KeyVault/locations/deletedVaults", deletedVaults),
                Map.entry(ContainerRegistryHandler.TYPE, registry),
                Map.entry(ApplicationInsightsHandler.TYPE, insights),
                Map.entry(PrivateEndpointHandler.TYPE, new PrivateEndpointHandler(tracked, privateLink)),
                Map.entry(PrivateDnsZoneGroupHandler.TYPE, new PrivateDnsZoneGroupHandler(tracked)),
                Map.entry(WorkspaceHandler.TYPE, gate.movingGuard(workspaces)),
                Map.entry(WorkspaceHandler.PE_CONNECTION_TYPE, gate.movingGuard(privateLink)),
                Map.entry(WorkspaceHandler.TYPE + "/privateLinkResources", WorkspacePrivateLink.linkResources(tracked)),
                Map.entry(ConnectionHandler.TYPE, gate.guard(new ConnectionHandler(tracked, workspaceSecrets))));
        return new Workspaces(tracked, workspaces, keys, deletedVaults, gate, handlers, workspaceSecrets, storage);
    }

    /** Secrets of a workspace's contents, in its key vault. */
    public WorkspaceSecrets secrets() {
        return secrets;
    }

    public StorageAccountHandler storageAccounts() {
        return storage;
    }

    /** The rule of public network access, for data planes outside ARM (scoring) to apply too. */
    public NetworkGate gate() {
        return gate;
    }

    /** Calls {@code listener} whenever a workspace is created or updated. */
    public void addListener(WorkspaceListener listener) {
        workspaces.addListener(listener);
    }

    /** Has {@code owner} forget a workspace's data when the workspace is purged or its group deleted. */
    public void addData(WorkspaceData owner) {
        workspaces.addData(owner);
    }

    /** Has {@code teardown} run when a workspace is deleted, soft or for good, before its rows change. */
    public void addTeardown(WorkspaceTeardown teardown) {
        workspaces.addTeardown(teardown);
    }

    /** The handler behind public-network-access enforcement, for types below workspaces. */
    public ResourceTypeHandler guard(ResourceTypeHandler handler) {
        return gate.guard(handler);
    }

    /** Adds this feature's handlers to the registry. */
    public void register(HandlerRegistry.Builder registry) {
        handlers.forEach(registry::register);
    }

    /**
     * How types below workspaces that have no provider of their own yet are served: the generic handler behind the
     * network gate, so that public network access applies to all of a workspace's contents.
     */
    public Function<String, ResourceTypeHandler> guardWorkspaceChildren(Function<String, ResourceTypeHandler> fallback) {
        String prefix = WorkspaceHandler.TYPE.toLowerCase(Locale.ROOT) + "/";
        return type -> {
            ResourceTypeHandler handler = fallback.apply(type);
            return handler != null && type.toLowerCase(Locale.ROOT).startsWith(prefix) ? gate.guard(handler) : handler;
        };
    }

    /**
     * Starts the maintenance task: key sync every {@code keySync}, purge sweeps at most a minute apart (each also
     * has other features forget the data of workspaces no longer stored).
     */
    public void start(Duration keySync, Duration retention) {
        maintenance.scheduleWithFixedDelay(this::syncAll, keySync.toMillis(), keySync.toMillis(), TimeUnit.MILLISECONDS);
        long sweep = Math.max(1000, Math.min(60_000, retention.toMillis() / 2));
        maintenance.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * Has other features forget the data of workspaces no longer stored, now rather than at the next sweep: a
     * resource group's delete takes its workspaces' rows without passing through their handler.
     */
    public void forgetGone() {
        try {
            workspaces.forgetGone();
        } catch (RuntimeException e) {
            LOG.warn("Forgetting the data of deleted workspaces failed; the next sweep does it", e);
        }
    }

    void syncAll() {
        try {
            int count = 0;
            for (StoredResource workspace : tracked.store().listByType(WorkspaceHandler.TYPE)) {
                if (!keys.inSync(workspace)) {
                    keys.sync(workspace);
                    count++;
                }
            }
            if (count > 0) {
                LOG.info("Key sync: {} workspace(s) picked up regenerated keys", count);
            }
        } catch (RuntimeException e) {
            LOG.warn("Key sync failed; it runs again on the next interval", e);
        }
    }

    void sweep() {
        try {
            int workspacesPurged = workspaces.purgeExpired();
            int vaultsPurged = deletedVaults.purgeExpired();
            workspaces.forgetGone();
            if (workspacesPurged + vaultsPurged > 0) {
                LOG.info("Soft-delete sweep purged {} workspace(s) and {} vault(s) past their retention",
                        workspacesPurged, vaultsPurged);
            }
        } catch (RuntimeException e) {
            LOG.warn("Soft-delete sweep failed; it runs again shortly", e);
        }
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
    }
}
