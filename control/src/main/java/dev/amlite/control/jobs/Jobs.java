package dev.amlite.control.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.FileTrees;
import dev.amlite.control.arm.HandlerRegistry;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.control.assets.AssetUses;
import dev.amlite.control.assets.Assets;
import dev.amlite.control.compute.ComputePool;
import dev.amlite.control.compute.Computes;
import dev.amlite.control.replicas.Replicas;
import dev.amlite.control.resources.DocumentEdit;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.tracking.RunTokens;
import dev.amlite.control.tracking.Tracking;
import dev.amlite.control.workspace.Workspaces;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.JobLogParts;
import dev.amlite.store.Principal;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.RunClaims;
import dev.amlite.store.StoredResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command jobs (CP-2): the {@code workspaces/jobs} type, a queue per server that hands each job a node of its
 * compute (a cluster grows for it, up to its maximum and quota), the executions, and their status in the job's
 * document: NotStarted → Queued → Preparing → Running → Finalizing → Completed / Failed / Canceled. A job's MLflow
 * run has the job's name as its id. A restart requeues queued jobs and fails the ones it interrupted (their
 * processes died with the server), saying so. Servers sharing a store (replicas) each run the jobs they claimed
 * ({@link RunClaims}): a replica's start leaves the others' running jobs alone, a cancel asked of one replica is
 * carried out by the job's own, and the jobs of a replica that stopped being seen are ended by another.
 */
public final class Jobs implements AutoCloseable {
    public static final String TYPE = "Microsoft.MachineLearningServices/workspaces/jobs";
    static final String TYPE_KEY = TYPE.toLowerCase(Locale.ROOT);
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    /** A job's submitter, by the sign-in name recorded in its systemData, if still in the directory. */
    @FunctionalInterface
    public interface Submitters {
        Optional<Principal> principal(String signInName);
    }

    private final TrackedResources tracked;
    private final ResourceStore store;
    private final Assets assets;
    private final Computes computes;
    private final Tracking tracking;
    private final JobsConfig config;
    private final Submitters submitters;
    private final RunTokens runTokens;
    private final Replicas replicas;
    private final RunClaims claims;
    private final JobLogParts logParts;
    /** How far the log of each job running here has been copied to {@link #logParts}, by job key. */
    private final Map<String, Long> logShipped = new ConcurrentHashMap<>();
    private final Clock clock;
    private final JobHandler handler;
    private final Map<String, ResourceId> queue = new LinkedHashMap<>();
    private final Map<String, String> waiting = new ConcurrentHashMap<>();
    private final Map<String, JobExecution> executions = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean closed;
    private Thread dispatcher;

    public Jobs(TrackedResources tracked, Assets assets, Computes computes, Tracking tracking, JobsConfig config,
                Submitters submitters, RunTokens runTokens, SharedRuns shared, Clock clock) {
        this.tracked = tracked;
        this.store = tracked.store();
        this.assets = assets;
        this.computes = computes;
        this.tracking = tracking;
        this.config = config;
        this.submitters = submitters;
        this.runTokens = runTokens;
        this.replicas = shared.replicas();
        this.claims = shared.claims();
        this.logParts = shared.logs();
        this.clock = clock;
        this.handler = new JobHandler(tracked, this);
    }

    public void register(HandlerRegistry.Builder registry, Workspaces workspaces) {
        registry.register(TYPE, workspaces.guard(handler));
    }

    Tracking tracking() {
        return tracking;
    }

    Assets assets() {
        return assets;
    }

    /** Where the job's MLflow run keeps its artifacts, relative to the default datastore; empty without a run. */
    Optional<String> runArtifactsPath(ResourceId job) {
        return tracking.findRun(Tracking.workspaceKey(store, job.parent()), job.name())
                .map(run -> dev.amlite.control.tracking.MlflowApi.storedPrefix(run) + "/");
    }

    Clock clock() {
        return clock;
    }

    /** A short, stable folder name for a workspace. */
    static String folder(ResourceId workspace) {
        return UUID.nameUUIDFromBytes(workspace.key().getBytes(StandardCharsets.UTF_8)).toString();
    }

    Path logFile(ResourceId job) {
        return config.root().resolve("logs").resolve(folder(job.parent())).resolve(job.name().toLowerCase(Locale.ROOT)
                + ".log");
    }

    /** The datastore path of a data asset version given by ARM id. */
    static String dataUri(Assets assets, String versionId) {
        return assets.dataUri(ResourceId.parse(versionId));
    }

    /**
     * Starts the dispatcher; jobs a stop interrupted fail, queued ones wait again. Processes of jobs that a server
     * killed without a clean stop left running are stopped first.
     */
    public void start() {
        computes.backend().stopLeftovers();
        Map<ResourceId, String> cutOff = new LinkedHashMap<>();
        Set<String> others = replicas.others();
        // The nodes this server's jobs held before a crash, and those of replicas no longer seen, are free again.
        computes.releaseLeasesOfServersNotIn(others);
        Map<String, String> running = claims.all();
        for (StoredResource job : store.listByType(TYPE_KEY)) {
            String status = job.document().path("properties").path("status").asText();
            if (status.equals(JobStatus.NOT_STARTED) || status.equals(JobStatus.QUEUED)) {
                enqueue(job.id());
            } else if (!JobStatus.terminal(status)) {
                String holder = running.get(job.id().key());
                if (holder != null && others.contains(holder)) {
                    continue; // another replica runs it
                }
                if (holder != null && !holder.equals(replicas.me())) {
                    endOrphan(job.id(), holder);
                    continue;
                }
                report(job.id(), JobStatus.FINALIZING, Map.of());
                cutOff.put(job.id(), status);
            }
        }
        if (!cutOff.isEmpty()) {
            // Outputs may be large: the server does not wait for them to be stored before it serves.
            Thread.ofVirtual().name("job-salvage").start(() -> cutOff.forEach(this::endCutOff));
        }
        dispatcher = Thread.ofPlatform().daemon().name("job-dispatcher").start(this::dispatchLoop);
    }

    /** Ends a job a stop cut off (it was {@code status}), keeping what it left. */
    private void endCutOff(ResourceId job, String status) {
        Map<String, String> salvaged = salvage(job);
        report(job, JobStatus.FAILED, Map.of("outputs", salvaged, "error", Map.of("code", "ServiceStopped",
                "message", "amlite stopped while the job was " + status.toLowerCase(Locale.ROOT) + "; its processes "
                        + "ended with it" + (salvaged.isEmpty() ? "" : ", and what its outputs held then was stored")
                        + ". Submit the job again.")));
        logParts.delete(job.key());
        claims.release(job.key(), replicas.me());
        runTokens.revoke(job);
    }

    /**
     * Ends a job that a server no longer seen ({@code holder}, a replica that crashed or stopped) ran: its processes
     * and files were on that server, so there is nothing here to keep; the job fails saying so.
     */
    private void endOrphan(ResourceId job, String holder) {
        if (!claims.takeOver(job.key(), holder, replicas.me())) {
            return; // another replica took it over first
        }
        LOG.info("Job {} ran on server {}, which is no longer seen; it is recorded as failed", job.id(), holder);
        report(job, JobStatus.FAILED, Map.of("error", Map.of("code", "ServiceStopped", "message", "The amlite "
                + "server that ran this job (" + holder + ") stopped while it ran and has not been seen since, so the "
                + "job cannot finish; what its processes left is stopped when that server starts again. Submit the "
                + "job again.")));
        logParts.delete(job.key());
        claims.release(job.key(), replicas.me());
        runTokens.revoke(job);
    }

    /**
     * A replica stopped being seen: the jobs it ran end here as failed, and the jobs still queued (it may have held
     * the only queue they were in) join this server's queue.
     */
    public void takeOverOrphans() {
        Set<String> live = replicas.live();
        claims.all().forEach((key, holder) -> {
            if (!live.contains(holder)) {
                endOrphan(ResourceId.parse(key), holder);
            }
        });
        computes.releaseLeasesOfServersNotIn(live);
        for (StoredResource job : store.listByType(TYPE_KEY)) {
            String status = job.document().path("properties").path("status").asText();
            if (status.equals(JobStatus.NOT_STARTED) || status.equals(JobStatus.QUEUED)) {
                enqueue(job.id());
            }
        }
    }

    /**
     * What a job cut off by a server that did not stop cleanly leaves: the files its outputs held (a checkpoint is
     * worth keeping) are stored as a finished job's are, its log too, and its work folder goes. Returns the stored
     * outputs.
     */
    private Map<String, String> salvage(ResourceId job) {
        Path work = JobExecution.workFolder(config, job);
        Map<String, String> stored = Map.of();
        java.util.function.Consumer<String> log = line -> JobExecution.appendLog(logFile(job), line);
        try {
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Path folder : FileTrees.folders(work.resolve("outputs"))) {
                outputs.put(folder.getFileName().toString(), folder.toString());
            }
            stored = JobExecution.storeOutputs(assets, job, outputs, log);
            log.accept("job ended: Failed (the server stopped while it ran)");
            if (Files.exists(logFile(job))) {
                assets.uploadFile(job.parent(), "ExperimentRun/dcid." + job.name() + "/user_logs/std_log.txt",
                        logFile(job));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("What job {} left could not all be stored: {}", job.id(), e.toString());
        }
        JobExecution.deleteTree(work);
        return stored;
    }

    /**
     * A job just made: a log file already under its name is an earlier job's (one of the same name in a workspace
     * made again at this id, whose data the sweep has not reached yet). It goes now, not when the job starts, so that
     * a client streaming the log of a job still queued never shows that output.
     */
    void submitted(ResourceId job) {
        try {
            Files.deleteIfExists(logFile(job));
        } catch (IOException e) {
            // The job is stored and must run: its start deletes the file again, or fails the job saying why.
            LOG.warn("The earlier log of job {} could not be deleted at submission: {}", job.id(), e.toString());
        }
        enqueue(job);
    }

    void enqueue(ResourceId job) {
        lock.lock();
        try {
            queue.put(job.key(), job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        while (!closed) {
            List<ResourceId> pending;
            lock.lock();
            try {
                // Until the server's listener is bound, a job could not be told the port to reach MLflow on.
                pending = config.serverPort().getAsInt() > 0 ? List.copyOf(queue.values()) : List.of();
            } finally {
                lock.unlock();
            }
            for (ResourceId job : pending) {
                try {
                    dispatch(job);
                } catch (RuntimeException e) {
                    LOG.warn("Dispatching job {} failed", job.id(), e);
                }
            }
            try {
                stopGone();
            } catch (RuntimeException e) {
                LOG.warn("Checking running jobs against the store failed", e);
            }
            try {
                shipLogs();
            } catch (RuntimeException e) {
                LOG.warn("Copying the logs of running jobs to the store failed", e);
            }
            lock.lock();
            try {
                // Nodes free up and clusters shrink without a signal: look again within half a second.
                changed.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void dispatch(ResourceId jobId) {
        Optional<StoredResource> job = store.get(jobId);
        if (job.isEmpty() || !(status(job.get()).equals(JobStatus.NOT_STARTED)
                || status(job.get()).equals(JobStatus.QUEUED))) {
            dequeue(jobId); // ended, or started by another replica
            return;
        }
        JobSpec spec;
        try {
            spec = JobSpec.parse(jobId.parent(), job.get().document().path("properties"));
        } catch (ArmException e) {
            dequeue(jobId);
            report(jobId, JobStatus.FAILED, Map.of("error", Map.of("code", e.code().name(), "message", e.getMessage())));
            return;
        }
        ComputePool.Acquisition acquisition = computes.acquire(spec.computeId(), jobId.name());
        if (acquisition.hopeless()) {
            dequeue(jobId);
            waiting.remove(jobId.key());
            report(jobId, JobStatus.FAILED, Map.of("error", Map.of("code", ErrorCode.InvalidResourceReference.name(),
                    "message", "The job cannot run: " + acquisition.waitingFor() + ". Submit it again to a compute "
                            + "that exists ('amlite ml compute list').")));
            return;
        }
        if (acquisition.lease() == null) {
            String reason = acquisition.waitingFor();
            if (!reason.equals(waiting.put(jobId.key(), reason))) {
                report(jobId, JobStatus.QUEUED, Map.of("waitingFor", reason));
            }
            return;
        }
        if (!claims.claim(jobId.key(), replicas.me(), replicas::live)) {
            computes.release(acquisition.lease()); // another replica started it first
            dequeue(jobId);
            waiting.remove(jobId.key());
            return;
        }
        // A job that got its node at once goes straight to Preparing: its Queued time is recorded with that write.
        dequeue(jobId);
        waiting.remove(jobId.key());
        Map<String, String> environment = platformEnvironment(job.get(), spec);
        Path log = logFile(jobId);
        try {
            Files.createDirectories(log.getParent());
            // A job runs once, so a file already here is another job's: one of the same name in an earlier workspace
            // at this id, whose output must not show in this one's log.
            Files.deleteIfExists(log);
        } catch (IOException e) {
            computes.release(acquisition.lease());
            runTokens.revoke(jobId);
            claims.release(jobId.key(), replicas.me());
            report(jobId, JobStatus.FAILED, Map.of("error", Map.of("code", "SystemError", "message",
                    "The log folder cannot be made: " + e)));
            return;
        }
        JobExecution execution = new JobExecution(jobId, spec, acquisition.lease(), computes.backend(), assets, config,
                log, environment, this::report, () -> {
                    runTokens.revoke(jobId);
                    computes.release(acquisition.lease());
                    synchronized (logShipped) { // no part is copied after these go
                        executions.remove(jobId.key());
                        if (logShipped.remove(jobId.key()) != null) {
                            logParts.delete(jobId.key()); // the log is stored now
                        }
                    }
                    claims.release(jobId.key(), replicas.me());
                    lock.lock();
                    try {
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                });
        executions.put(jobId.key(), execution);
        Thread.ofPlatform().name("job-" + jobId.name()).start(execution);
    }

    private void dequeue(ResourceId job) {
        lock.lock();
        try {
            queue.remove(job.key());
        } finally {
            lock.unlock();
        }
    }

    private Map<String, String> platformEnvironment(StoredResource job, JobSpec spec) {
        Map<String, String> environment = new LinkedHashMap<>();
        ResourceId workspace = job.id().parent();
        environment.put("AZUREML_RUN_ID", job.id().name());
        environment.put("AZUREML_ARM_SUBSCRIPTION", workspace.subscriptionId());
        environment.put("AZUREML_ARM_RESOURCEGROUP", workspace.resourceGroup());
        environment.put("AZUREML_ARM_WORKSPACE_NAME", workspace.name());
        environment.put("AZUREML_EXPERIMENT_NAME", spec.experimentName());
        String trackingUri = ServedUrls.onPort(job.document().path("properties").path("services").path("Tracking")
                .path("endpoint").asText(null), config.serverPort().getAsInt());
        if (trackingUri != null) {
            environment.put("MLFLOW_TRACKING_URI", trackingUri);
            environment.put("MLFLOW_RUN_ID", job.id().name());
            tracking.findRun(Tracking.workspaceKey(store, workspace), job.id().name())
                    .ifPresent(run -> environment.put("MLFLOW_EXPERIMENT_ID", run.experimentId()));
            String submitter = job.document().path("systemData").path("createdBy").asText(null);
            if (submitter != null) {
                submitters.principal(submitter).ifPresent(principal ->
                        environment.put("MLFLOW_TRACKING_TOKEN", runTokens.issue(job.id(), submitter, principal)));
            }
            if (config.caFile() != null) {
                environment.put("SSL_CERT_FILE", config.caFile().toAbsolutePath().toString());
                environment.put("REQUESTS_CA_BUNDLE", config.caFile().toAbsolutePath().toString());
            }
        }
        return environment;
    }

    private static String status(StoredResource job) {
        return job.document().path("properties").path("status").asText(JobStatus.NOT_STARTED);
    }

    /** Records a status (and its details) in the job's document and the MLflow run. */
    void report(ResourceId job, String status, Map<String, Object> details) {
        String now = clock.instant().toString();
        try {
            DocumentEdit.apply(store, job, document -> {
                ObjectNode properties = document.with("properties");
                String before = properties.path("status").asText();
                if (JobStatus.terminal(before)) {
                    return;
                }
                properties.put("status", status);
                ObjectNode times = properties.with("amliteTimes");
                if (status.equals(JobStatus.PREPARING) && !times.has(JobStatus.QUEUED)) {
                    times.put(JobStatus.QUEUED, now);
                }
                if (!times.has(status)) {
                    times.put(status, now);
                }
                if (!status.equals(JobStatus.QUEUED)) {
                    properties.remove("waitingFor");
                }
                details.forEach((key, value) -> {
                    if (key.equals("outputs")) {
                        @SuppressWarnings("unchecked")
                        Map<String, String> stored = (Map<String, String>) value;
                        ObjectNode outputs = properties.with("outputs");
                        stored.forEach((name, uri) -> outputs.with(name).put("uri", uri));
                    } else {
                        properties.set(key, Json.MAPPER.valueToTree(value));
                    }
                });
            });
        } catch (ArmException e) {
            LOG.warn("Could not record status {} of job {}: {}", status, job.id(), e.getMessage());
        }
        String runStatus = switch (status) {
            case JobStatus.RUNNING -> "RUNNING";
            case JobStatus.COMPLETED -> "FINISHED";
            case JobStatus.FAILED -> "FAILED";
            case JobStatus.CANCELED -> "KILLED";
            default -> null;
        };
        if (runStatus != null) {
            String workspace = Tracking.workspaceKey(store, job.parent());
            if (runStatus.equals("RUNNING")) {
                tracking.findRun(workspace, job.name()).ifPresent(run ->
                        tracking.store().updateRun(workspace, job.name(), "RUNNING", null, null, null));
            } else {
                tracking.endRun(workspace, job.name(), runStatus);
            }
        }
    }

    /** The jobs (by name) not yet given a node of {@code compute}, as a compute's delete names them. */
    public List<String> waitingFor(ResourceId compute) {
        List<String> names = new ArrayList<>();
        for (StoredResource job : store.listChildren(compute.parent(), TYPE_KEY)) {
            String status = status(job);
            if ((status.equals(JobStatus.NOT_STARTED) || status.equals(JobStatus.QUEUED))
                    && compute.id().equalsIgnoreCase(job.document().path("properties").path("computeId").asText())) {
                names.add(job.id().name());
            }
        }
        return names;
    }

    /**
     * The jobs in {@code workspace} yet to end that name an asset version {@code deleted} accepts (an
     * {@code AssetUses.User}): a queued job copies its code and inputs when it starts, and a running one's record
     * should still lead to what it ran.
     */
    public List<String> assetUsers(ResourceId workspace, java.util.function.Predicate<ResourceId> deleted) {
        List<String> users = new ArrayList<>();
        for (StoredResource job : store.listChildren(workspace, TYPE_KEY)) {
            String status = status(job);
            if (JobStatus.terminal(status)) {
                continue;
            }
            JobSpec spec;
            try {
                spec = JobSpec.parse(workspace, job.document().path("properties"));
            } catch (ArmException e) { // checked when submitted; a job that no longer parses fails when it starts
                continue;
            }
            boolean uses = AssetUses.names(spec.codeId(), deleted) || AssetUses.names(spec.environmentId(), deleted);
            for (JobSpec.Input input : spec.inputs().values()) {
                uses |= !input.literal() && AssetUses.names(input.uri(), deleted);
            }
            if (uses) {
                users.add("job '" + job.id().name() + "' (" + status + ")");
            }
        }
        return users;
    }

    /**
     * Ends the jobs of a workspace being deleted (a {@code WorkspaceTeardown}): queued ones are canceled, running
     * ones have their processes killed and are canceled. Waits, up to the cancel grace and 5 s more, for them to
     * record that while the workspace's rows are still active, so that recovering the workspace shows them Canceled
     * rather than running.
     */
    public void tearDown(StoredResource workspace) {
        List<ResourceId> ending = new ArrayList<>();
        for (StoredResource job : store.listChildren(workspace.id(), TYPE_KEY)) {
            if (!JobStatus.terminal(status(job))) {
                cancel(job.id());
                ending.add(job.id());
            }
        }
        awaitEnd(() -> ending.stream().anyMatch(id -> executions.containsKey(id.key())));
    }

    /** Waits, up to the cancel grace and 5 s more, while {@code running} holds: for executions to record their end. */
    private void awaitEnd(java.util.function.BooleanSupplier running) {
        long deadline = System.nanoTime() + config.cancelGrace().toNanos() + 5_000_000_000L;
        while (running.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Kills the running jobs whose rows are gone (deleted with their resource group): nothing could record their
     * end, and their processes would otherwise run on. The dispatcher calls it twice a second; a group's delete calls
     * it at once, before the workspaces' job logs are removed, so that no line of a killed job writes them again.
     */
    public void stopGone() {
        for (Map.Entry<String, JobExecution> entry : executions.entrySet()) {
            ResourceId job = entry.getValue().job();
            JobExecution execution = entry.getValue();
            if (execution.cancelling()) {
                continue;
            }
            Optional<StoredResource> row = store.get(job);
            if (row.isEmpty()) {
                LOG.info("Job {} is gone from the store (its resource group was deleted); its processes are killed",
                        job.id());
                execution.abandon(); // at once: its workspace's log folder may go right after this returns
                Thread.ofVirtual().start(execution::cancel);
            } else if (status(row.get()).equals(JobStatus.CANCEL_REQUESTED)
                    || status(row.get()).equals(JobStatus.CANCELED)) {
                LOG.info("Job {} was canceled through another server; its processes are killed", job.id());
                Thread.ofVirtual().start(execution::cancel);
            }
        }
    }

    /**
     * Cancels a job: a queued one ends at once, a running one has its process tree killed — by the server that runs
     * it, which sees the request in the store when that is another replica.
     */
    void cancel(ResourceId job) {
        dequeue(job);
        JobExecution execution = executions.get(job.key());
        Optional<String> holder = execution == null ? claims.holder(job.key()) : Optional.empty();
        if (execution != null || (holder.isPresent() && replicas.others().contains(holder.get()))) {
            if (execution != null) {
                execution.markCancelling();
            }
            report(job, JobStatus.CANCEL_REQUESTED, Map.of());
            if (execution != null) {
                Thread.ofVirtual().start(execution::cancel);
            }
            return;
        }
        report(job, JobStatus.CANCELED, Map.of());
    }

    /**
     * Copies what the logs of the jobs running here gained to the store, while other servers share it, so that they
     * can show them (on a store no other server opens, nothing is copied). Whole lines, at most {@link #LOG_PART}
     * bytes a job each time; the dispatcher calls this every half second at most.
     */
    private void shipLogs() {
        if (executions.isEmpty() || replicas.others().isEmpty()) {
            return;
        }
        for (JobExecution execution : List.copyOf(executions.values())) {
            ResourceId job = execution.job();
            long from = logShipped.getOrDefault(job.key(), 0L);
            try {
                LogChunk gained = wholeLines(logFile(job), from, LOG_PART);
                synchronized (logShipped) {
                    if (gained.nextOffset() > from && executions.containsKey(job.key())) {
                        logParts.add(job.key(), new JobLogParts.Part(from, gained.nextOffset(), gained.content()));
                        logShipped.put(job.key(), gained.nextOffset());
                    }
                }
            } catch (IOException e) {
                LOG.debug("The log of job {} is not readable yet: {}", job.id(), e.toString());
            }
        }
    }

    /** The most bytes of a job's log copied to the store at once. */
    private static final int LOG_PART = 256 * 1024;

    /** The job's log from {@code offset}: the local file while it runs, the stored copy after a restart. */
    LogChunk readLog(ResourceId job, long offset, int max) {
        Path file = logFile(job);
        try {
            if (!Files.exists(file) && claims.holder(job.key()).filter(server -> !server.equals(replicas.me()))
                    .isPresent()) {
                return fromParts(job, offset, max); // it runs on another replica
            }
            if (!Files.exists(file)) {
                Path fetched = Files.createTempFile("amlite-log", ".txt");
                try {
                    if (!assets.downloadFile(job.parent(), "ExperimentRun/dcid." + job.name() + "/user_logs/std_log.txt",
                            fetched)) {
                        return new LogChunk("", offset);
                    }
                    return chunk(fetched, offset, max);
                } finally {
                    Files.deleteIfExists(fetched);
                }
            }
            return chunk(file, offset, max);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record LogChunk(String content, long nextOffset) {
    }

    /** What another replica copied of a job it runs, from {@code offset}: whole parts after the first. */
    private LogChunk fromParts(ResourceId job, long offset, int max) {
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        for (JobLogParts.Part part : logParts.from(job.key(), offset, 64)) {
            byte[] bytes = part.content().getBytes(StandardCharsets.UTF_8);
            int skip = (int) Math.max(0, Math.min(bytes.length, offset - part.start()));
            if (read.size() > 0 && read.size() + bytes.length - skip > max) {
                break;
            }
            read.write(bytes, skip, bytes.length - skip);
        }
        return new LogChunk(read.toString(StandardCharsets.UTF_8), offset + read.size());
    }

    /** Bytes from {@code offset} up to the end of the last whole line (at most {@code max} bytes). */
    private static LogChunk wholeLines(Path file, long offset, int max) throws IOException {
        LogChunk chunk = chunk(file, offset, max);
        int cut = chunk.content().lastIndexOf('\n');
        if (cut + 1 == chunk.content().length()) {
            return chunk;
        }
        String whole = chunk.content().substring(0, cut + 1);
        return new LogChunk(whole, offset + whole.getBytes(StandardCharsets.UTF_8).length);
    }

    private static LogChunk chunk(Path file, long offset, int max) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            if (offset >= size) {
                return new LogChunk("", size);
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(max, size - offset));
            channel.read(buffer, offset);
            byte[] bytes = buffer.array();
            int length = buffer.position();
            // Stop at the last full line so a multi-byte character is never cut in two.
            int end = length;
            if (offset + length < size) {
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                if (end == 0) {
                    end = length;
                }
            }
            return new LogChunk(new String(bytes, 0, end, StandardCharsets.UTF_8), offset + end);
        }
    }

    /** Stops dispatching; running jobs are killed and recorded as failed because the server stopped. */
    @Override
    public void close() {
        closed = true;
        if (dispatcher != null) {
            dispatcher.interrupt();
        }
        List<Map.Entry<String, JobExecution>> running = new ArrayList<>(executions.entrySet());
        running.sort(Comparator.comparing(Map.Entry::getKey));
        for (Map.Entry<String, JobExecution> entry : running) {
            entry.getValue().stopForShutdown();
        }
        // Let the executions record their end while the store is still open; a restart fails what did not.
        awaitEnd(() -> !executions.isEmpty());
    }
}
