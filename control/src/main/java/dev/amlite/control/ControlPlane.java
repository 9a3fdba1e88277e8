package dev.amlite.control;

import dev.amlite.control.arm.FrontDoor;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.arm.ListPages;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.identity.Directory;
import dev.amlite.control.identity.DirectoryApi;
import dev.amlite.control.identity.PasswordHasher;
import dev.amlite.control.identity.SecretBox;
import dev.amlite.control.identity.SignInLockout;
import dev.amlite.control.identity.TokenEndpoint;
import dev.amlite.control.identity.TokenService;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.control.policy.PolicyHandlers;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.rbac.RoleAssignmentHandler;
import dev.amlite.control.rbac.RoleDefinitionHandler;
import dev.amlite.control.replicas.Replicas;
import dev.amlite.control.resources.GenericResourceHandler;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.workspace.Workspaces;
import dev.amlite.control.assets.Assets;
import dev.amlite.control.endpoints.Endpoints;
import dev.amlite.control.endpoints.EndpointQuota;
import dev.amlite.control.compute.ComputePool;
import dev.amlite.control.compute.Computes;
import dev.amlite.control.compute.LocalNodeBackend;
import dev.amlite.control.quota.QuotaHandlers;
import dev.amlite.control.quota.Quotas;
import dev.amlite.control.jobs.JobLogsPurge;
import dev.amlite.control.jobs.Jobs;
import dev.amlite.control.move.MoveValidation;
import dev.amlite.control.move.Moves;
import dev.amlite.control.jobs.JobsConfig;
import dev.amlite.control.jobs.SharedRuns;
import dev.amlite.control.tracking.MlflowApi;
import dev.amlite.control.tracking.RunTokens;
import dev.amlite.control.tracking.Tracking;
import dev.amlite.control.tracking.TrackingPurge;
import dev.amlite.store.TrackingStore;
import dev.amlite.store.QuotaStore;
import dev.amlite.control.endpoints.ScoringService;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.control.endpoints.ServingConfig;
import dev.amlite.control.blob.BlobAccounts;
import dev.amlite.control.blob.BlobEndpoint;
import dev.amlite.store.SecretStore;
import dev.amlite.control.resources.LocationHandler;
import dev.amlite.control.resources.OperationStatusHandler;
import dev.amlite.control.resources.ProviderHandler;
import dev.amlite.control.resources.ProviderRegistrations;
import dev.amlite.control.resources.ResourceGroupHandler;
import dev.amlite.control.resources.ResourceListHandler;
import dev.amlite.control.resources.SubscriptionAliasHandler;
import dev.amlite.control.resources.SubscriptionHandler;
import dev.amlite.control.resources.Subscriptions;
import dev.amlite.control.resources.TenantHandler;
import dev.amlite.control.resources.VmSizeHandler;
import dev.amlite.control.throttle.Throttle;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ComputeNodes;
import dev.amlite.store.Database;
import dev.amlite.store.JobLogParts;
import dev.amlite.store.OperationStore;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.PrincipalStore;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.RunClaims;
import dev.amlite.store.RunTokenStore;
import dev.amlite.store.SignInAttempts;
import dev.amlite.store.ServerRegistry;
import dev.amlite.store.Settings;
import dev.amlite.store.StoreVendor;
import dev.amlite.store.StoredResource;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane composed from its parts: every provider, the front door and the identity endpoints. The
 * server mounts its HTTP services; nothing here reaches for globals.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final String BOOTSTRAP_MARKER = "bootstrap";

    private final FrontDoor frontDoor;
    private final TokenEndpoint tokenEndpoint;
    private final DirectoryApi directoryApi;
    private final OperationRunner operations;
    private final Subscriptions subscriptions;
    private final Directory directory;
    private final Settings settings;
    private final SecureRandom random;
    private final Workspaces workspaces;
    private final Assets assets;
    private final BlobEndpoint blobEndpoint;
    private final Endpoints endpoints;
    private final Computes computes;
    private final MlflowApi mlflow;
    private final Jobs jobs;
    private final RootAccess rootAccess;
    private final Replicas replicas;

    private ControlPlane(FrontDoor frontDoor, TokenEndpoint tokenEndpoint, DirectoryApi directoryApi,
                         OperationRunner operations, Subscriptions subscriptions, Directory directory,
                         Settings settings, SecureRandom random, Workspaces workspaces, Assets assets,
                         BlobEndpoint blobEndpoint, Endpoints endpoints, Computes computes,
                         MlflowApi mlflow, Jobs jobs, RootAccess rootAccess, Replicas replicas) {
        this.replicas = replicas;
        this.endpoints = endpoints;
        this.computes = computes;
        this.mlflow = mlflow;
        this.jobs = jobs;
        this.assets = assets;
        this.blobEndpoint = blobEndpoint;
        this.frontDoor = frontDoor;
        this.tokenEndpoint = tokenEndpoint;
        this.rootAccess = rootAccess;
        this.directoryApi = directoryApi;
        this.operations = operations;
        this.subscriptions = subscriptions;
        this.directory = directory;
        this.settings = settings;
        this.random = random;
        this.workspaces = workspaces;
    }

    /** {@code loops}: the scoring port's event loops, on which the router also talks to the instances. */
    public static ControlPlane create(Database database, ControlConfig config, ServingConfig serving, JobsConfig jobsConfig,
                                      EventLoops loops, MeterRegistry meters, Clock clock) {
        SecureRandom random = new SecureRandom();
        Catalog catalog = Catalog.standard();
        ResourceStore store = new ResourceStore(database, clock, List.of(Moves.WORKSPACES));
        store.anchorSubtrees();
        Settings settings = new Settings(database);
        SecretBox secretBox = new SecretBox(config.masterKey(), random);
        TokenService tokens = new TokenService(settings, secretBox, clock, config.issuerBase(),
                config.accessTokenLifetime(), config.refreshTokenLifetime());
        Directory directory = new Directory(new PrincipalStore(database),
                new PasswordHasher(config.passwordHashIterations(), random), tokens, clock, random);
        Authorizer authorizer = new Authorizer(store, clock, config.cacheRefresh());
        PolicyEngine policy = new PolicyEngine(store, clock, config.cacheRefresh());
        Replicas replicas = new Replicas(new ServerRegistry(database), config.replicas(),
                database.vendor() != StoreVendor.H2);
        replicas.start();
        OperationRunner operations = new OperationRunner(new OperationStore(database, clock), Duration.ofSeconds(1),
                replicas);
        ProviderRegistrations registrations = new ProviderRegistrations(store, catalog);
        Subscriptions subscriptions = new Subscriptions(store, catalog, registrations, authorizer, clock);
        TrackedResources tracked = new TrackedResources(store, catalog, registrations, policy, clock);
        GenericResourceHandler generic = new GenericResourceHandler(tracked);
        ResourceSecrets resourceSecrets = new ResourceSecrets(new SecretStore(database, clock), secretBox, random);
        Workspaces workspaces = Workspaces.create(tracked, resourceSecrets, authorizer, config.softDeleteRetention());
        BlobAccounts blobAccounts = new BlobAccounts(store, resourceSecrets, config.blobRoot(), clock);
        blobAccounts.adoptFoldersNamedByAccount(settings);
        Assets assets = new Assets(tracked, workspaces, blobAccounts, config.pendingUploadTtl());

        TrackingStore trackingStore = new TrackingStore(database);
        Tracking tracking = new Tracking(trackingStore, clock);
        workspaces.addData(new TrackingPurge(trackingStore));
        workspaces.addData(new JobLogsPurge(jobsConfig));
        RunTokens runTokens = new RunTokens(new RunTokenStore(database, clock), directory::principal);
        MlflowApi mlflow = new MlflowApi(tracking, tokens, runTokens, authorizer, store, assets);
        Computes computes = new Computes(tracked, operations,
                new ComputePool(new ComputeNodes(database), replicas::me, random),
                new LocalNodeBackend(jobsConfig.root().resolve("processes")), clock);
        Moves moves = new Moves(new MoveValidation(store, catalog, registrations, authorizer, policy), operations, store,
                authorizer, config.crashPoints(), clock);
        Quotas quotas = new Quotas(new QuotaStore(database, clock), catalog,
                List.of(new EndpointQuota(store, catalog), computes.usage()));
        computes.useQuotas(quotas);
        Endpoints endpoints = new Endpoints(tracked, resourceSecrets, assets, workspaces, operations, serving, loops,
                meters, clock, quotas, replicas);
        workspaces.addTeardown(endpoints::tearDown);
        Jobs jobs = new Jobs(tracked, assets, computes, tracking, jobsConfig,
                directory::principal, runTokens, new SharedRuns(replicas, new RunClaims(database, clock),
                new JobLogParts(database)), clock);
        workspaces.addTeardown(jobs::tearDown);
        computes.useWaitingJobs(jobs::waitingFor);
        workspaces.addTeardown(computes::tearDown); // after the jobs' teardown: it ends the jobs on them
        assets.addUser(endpoints::assetUsers);
        assets.addUser(jobs::assetUsers);

        HandlerRegistry.Builder registry = HandlerRegistry.builder();
        workspaces.register(registry);
        assets.register(registry, workspaces);
        endpoints.register(registry, workspaces);
        computes.register(registry, workspaces);
        jobs.register(registry, workspaces);
        HandlerRegistry handlers = registry
                .register(ResourceId.TENANT_TYPE, new TenantHandler(store, subscriptions, authorizer))
                .register(ResourceId.SUBSCRIPTION_TYPE, new SubscriptionHandler(store, authorizer))
                .register("Microsoft.Subscription/aliases", new SubscriptionAliasHandler(store, subscriptions))
                .register(ResourceId.RESOURCE_GROUP_TYPE,
                        new ResourceGroupHandler(store, catalog, policy, operations, authorizer, clock)
                                .withActions(moves::action).withAfterDelete(() -> {
                                    endpoints.stopGone();
                                    computes.forgetGone();
                                    jobs.stopGone();
                                    workspaces.forgetGone();
                                }))
                .register("Microsoft.Resources/providers", new ProviderHandler(catalog, registrations, store))
                .register("Microsoft.Resources/locations", new LocationHandler(catalog))
                .register("Microsoft.Resources/resources", new ResourceListHandler(store))
                .register("Microsoft.Resources/operationStatuses", new OperationStatusHandler(operations, false, authorizer))
                .register("Microsoft.Resources/operationResults", new OperationStatusHandler(operations, true, authorizer))
                .register("Microsoft.Compute/locations/vmSizes", new VmSizeHandler(catalog))
                .register(QuotaHandlers.USAGES, QuotaHandlers.usages(quotas))
                .register(QuotaHandlers.QUOTAS, QuotaHandlers.limits(quotas))
                .register(QuotaHandlers.VM_SIZES, QuotaHandlers.vmSizes(quotas))
                .register(QuotaHandlers.REQUESTS, QuotaHandlers.requests(quotas, authorizer))
                .register(Authorizer.ROLE_ASSIGNMENT_TYPE, new RoleAssignmentHandler(store, authorizer, directory, clock))
                .register(Authorizer.ROLE_DEFINITION_TYPE, new RoleDefinitionHandler(store, authorizer))
                .register("Microsoft.Authorization/policyDefinitions", PolicyHandlers.definitions(policy))
                .register(PolicyEngine.ASSIGNMENT_TYPE, PolicyHandlers.assignments(store, policy, clock))
                .fallback(workspaces.guardWorkspaceChildren(type -> isGenericType(catalog, type) ? generic : null))
                .build();
        workspaces.start(config.keySyncInterval(), config.softDeleteRetention());
        assets.start();
        endpoints.start();
        computes.start();
        jobs.start();
        replicas.onDeparture(operations::takeOverOrphans);
        replicas.onDeparture(jobs::takeOverOrphans);
        FrontDoor frontDoor = new FrontDoor(tokens, authorizer, new Throttle(config.throttle(), System::nanoTime),
                catalog, handlers, meters, config.maxManagementBody(), id -> store.get(id).map(StoredResource::etag),
                new ListPages(config.listPageSize()));
        return new ControlPlane(frontDoor, new TokenEndpoint(directory, tokens, clock,
                new SignInLockout(new SignInAttempts(database, clock), clock,
                        SignInLockout.THRESHOLD, SignInLockout.FIRST_LOCK), config.trustedProxies()),
                new DirectoryApi(directory, tokens, authorizer, config.secretValidity()), operations, subscriptions,
                directory, settings, random, workspaces, assets, new BlobEndpoint(blobAccounts), endpoints, computes, mlflow, jobs,
                new RootAccess(tokens, authorizer), replicas);
    }

    /** Catalogued types outside the ARM bookkeeping namespaces get the generic handler. */
    private static boolean isGenericType(Catalog catalog, String type) {
        String lower = type.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("microsoft.resources/") || lower.startsWith("microsoft.authorization/")
                || lower.startsWith("microsoft.subscription/") || lower.startsWith("microsoft.compute/locations")) {
            return false;
        }
        return catalog.canonicalType(type).isPresent();
    }

    /** What the first start made; {@code generatedPassword} is present only when amlite chose the password. */
    public record Bootstrap(boolean firstStart, String tenantId, String subscriptionId, String adminUser,
                            Optional<String> generatedPassword) {
    }

    /**
     * On the first start of a store: a default tenant and subscription, and an {@code admin} user who is Owner at
     * the root scope. Later starts change nothing and report what exists.
     */
    public Bootstrap bootstrap(Optional<String> adminPassword) {
        Optional<String> done = settings.get(BOOTSTRAP_MARKER);
        if (done.isPresent()) {
            String[] parts = done.get().split(",");
            return new Bootstrap(false, parts[0], parts[1], "admin", Optional.empty());
        }
        String tenantId = UUID.randomUUID().toString();
        String subscriptionId = UUID.randomUUID().toString();
        String password = adminPassword.orElseGet(this::generatePassword);
        subscriptions.createTenant(tenantId, "Default Directory");
        var admin = directory.createUser(tenantId, "amlite administrator", "admin", password);
        subscriptions.assignRole(ResourceId.ROOT, admin.objectId(), PrincipalKind.User,
                dev.amlite.control.rbac.BuiltInRoles.OWNER);
        subscriptions.createSubscription(subscriptionId, "amlite default subscription", tenantId, admin.objectId(),
                PrincipalKind.User);
        settings.put(BOOTSTRAP_MARKER, tenantId + "," + subscriptionId);
        LOG.info("First start: tenant {}, subscription {}, user admin created", tenantId, subscriptionId);
        return new Bootstrap(true, tenantId, subscriptionId, "admin",
                adminPassword.isPresent() ? Optional.empty() : Optional.of(password));
    }

    private String generatePassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    /** Resumes or fails operations a previous process left running. */
    public int recoverOperations() {
        return operations.recover();
    }

    public FrontDoor frontDoor() {
        return frontDoor;
    }

    /** The blob service of storage accounts amlite holds itself (mounted at /storage). */
    public BlobEndpoint blobEndpoint() {
        return blobEndpoint;
    }

    /** The scoring router of online endpoints (mounted at /inference). */
    public ScoringService scoringService() {
        return endpoints.scoringService();
    }

    /** Who may scrape /metrics (the server's HealthService asks). */
    public RootAccess rootAccess() {
        return rootAccess;
    }

    public TokenEndpoint tokenEndpoint() {
        return tokenEndpoint;
    }

    public DirectoryApi directoryApi() {
        return directoryApi;
    }

    /** Computes and their scheduler; {@code computes().tick(instant)} runs the schedules at a chosen time. */
    public Computes computes() {
        return computes;
    }

    /** Each workspace's MLflow tracking server, mounted by the server at {@code /mlflow}. */
    public MlflowApi mlflowApi() {
        return mlflow;
    }

    @Override
    public void close() {
        jobs.close();
        computes.close();
        endpoints.close();
        assets.close();
        workspaces.close();
        operations.close();
        replicas.close(); // last: until it leaves, the other replicas leave this server's work alone
    }
}
