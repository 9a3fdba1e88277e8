package dev.amlite.control.operations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.replicas.Replicas;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.OperationStatus;
import dev.amlite.store.OperationStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * Runs long-running operations (RM-5). Each is a stored row first, then work on a virtual thread; the request
 * that started it returns at once with ARM's async headers. After a restart, resumable operations run again and
 * the rest are failed with a clear error, so no operation stays InProgress forever.
 */
public final class OperationRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);
    private final OperationStore store;
    private final Map<String, OperationWorker> workers = new HashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration retryAfter;
    private final Replicas replicas;
    private static final String STATUS_API_VERSION = "2022-09-01";

    public OperationRunner(OperationStore store, Duration retryAfter, Replicas replicas) {
        this.store = requireNonNull(store, "store is null");
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
        this.replicas = requireNonNull(replicas, "replicas is null");
    }

    /** Wiring step: each provider registers the kinds of operation it starts, before the server starts. */
    public synchronized void register(String kind, OperationWorker worker) {
        if (workers.putIfAbsent(kind, requireNonNull(worker, "worker is null")) != null) {
            throw new IllegalStateException("Two workers for operation kind " + kind);
        }
    }

    public Operation start(String kind, ResourceId resource, JsonNode request) {
        if (!workers.containsKey(kind)) {
            throw new IllegalStateException("No worker for operation kind " + kind);
        }
        Operation operation = store.create(UUID.randomUUID().toString(), kind, resource.id(), resource.subscriptionId(),
                Json.write(request), replicas.me());
        LOG.info("Operation {} ({}) started for {}", operation.id(), kind, resource.id());
        submit(operation);
        return operation;
    }

    private void submit(Operation operation) {
        executor.submit(() -> execute(operation));
    }

    private void execute(Operation operation) {
        OperationWorker worker = workers.get(operation.kind());
        try {
            worker.run(operation);
            store.finish(operation.id(), OperationStatus.Succeeded, null);
            LOG.info("Operation {} ({}) succeeded for {}", operation.id(), operation.kind(), operation.resourceId());
        } catch (ArmException e) {
            store.finish(operation.id(), OperationStatus.Failed, Json.write(e.toError()));
            LOG.info("Operation {} ({}) failed for {}: {}", operation.id(), operation.kind(), operation.resourceId(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Operation {} ({}) failed for {}", operation.id(), operation.kind(), operation.resourceId(), e);
            store.finish(operation.id(), OperationStatus.Failed, Json.write(ArmError.of(ErrorCode.InternalServerError,
                    "The operation failed unexpectedly; the server log has details under operation id "
                            + operation.id() + ".")));
        }
    }

    /**
     * Called once at start: resumes or fails what this server's previous process left InProgress, and what servers
     * no longer seen left. Operations of the other servers that are seen (replicas sharing the store) are theirs.
     */
    public int recover() {
        return takeOver(replicas.others());
    }

    /** A replica stopped being seen: its InProgress operations are resumed or failed here, as after a restart. */
    public int takeOverOrphans() {
        return takeOver(replicas.live());
    }

    private int takeOver(java.util.Set<String> running) {
        int count = 0;
        for (OperationStore.Running orphan : store.running()) {
            Operation operation = orphan.operation();
            if ((orphan.owner() != null && running.contains(orphan.owner()))
                    || !store.takeOver(operation.id(), orphan.owner(), replicas.me())) {
                continue; // its server runs it, or another replica took it over first
            }
            OperationWorker worker = workers.get(operation.kind());
            String after = orphan.owner() == null || orphan.owner().equals(replicas.me()) ? "a restart"
                    : "its server (" + orphan.owner() + ") stopped";
            if (worker != null && worker.resumable()) {
                LOG.info("Resuming operation {} ({}) for {} after {}", operation.id(), operation.kind(),
                        operation.resourceId(), after);
                submit(operation);
            } else {
                store.finish(operation.id(), OperationStatus.Failed, Json.write(ArmError.of(
                        ErrorCode.OperationInterrupted, "The server stopped while this operation ran and it cannot "
                                + "be resumed. Nothing was left half-done; run the request again.")));
            }
            count++;
        }
        return count;
    }

    /** ARM's 202 answer for a started operation: Location and Azure-AsyncOperation to poll, and Retry-After. */
    public ArmResponse accepted(ArmRequest request, Operation operation) {
        return new ArmResponse(202, null, asyncHeaders(request, operation));
    }

    public Map<String, String> asyncHeaders(ArmRequest request, Operation operation) {
        // The operation URLs are Microsoft.Resources paths: they carry its api-version, not the one of the provider
        // whose request started the operation.
        String subscription = request.baseUrl() + "/subscriptions/" + operation.subscriptionId()
                + "/providers/Microsoft.Resources";
        String query = "?api-version=" + STATUS_API_VERSION;
        return Map.of(
                "Location", subscription + "/operationResults/" + operation.id() + query,
                "Azure-AsyncOperation", subscription + "/operationStatuses/" + operation.id() + query,
                "Retry-After", Long.toString(retryAfter.toSeconds()));
    }

    public OperationStore store() {
        return store;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Operations still running at shutdown stay InProgress and resume on the next start");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
