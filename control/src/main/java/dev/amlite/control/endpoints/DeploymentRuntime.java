package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import dev.amlite.serving.routing.InFlightLimit;
import dev.amlite.serving.supervisor.DeploymentInstances;
import dev.amlite.serving.supervisor.InstanceStartException;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.serving.port.Stages;
import dev.amlite.serving.port.Upstream;
import dev.amlite.serving.port.UpstreamResponse;
import dev.amlite.serving.port.UpstreamTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment as it serves: the generation of instances taking traffic (a spec, its files and its
 * supervised processes), admission (429 past Azure's in-flight limit), the choice of instance (fewest requests
 * in flight), the exchange with it under the request timeout (408), and the mapping of the instance's answer to
 * Azure's (a failing score.py is 424). A rolling update starts a new generation, switches traffic to it once
 * every new instance is ready, and stops the old one after its last request finished.
 */
final class DeploymentRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentRuntime.class);
    private static final String TIMEOUT_HEADER = "x-amlite-timeout-ms";

    /** A spec running: its files and its instances. */
    record Generation(DeploymentSpec spec, Path directory, DeploymentInstances instances) {
    }

    private static final class Target {
        final Upstream upstream;
        final Path socketFile;
        final AtomicInteger inFlight = new AtomicInteger();

        Target(EventLoops loops, DeploymentInstances.ReadyInstance instance) {
            this.socketFile = instance.socketFile();
            this.upstream = socketFile != null ? new Upstream(loops, socketFile, instance.port())
                    : new Upstream(loops, "127.0.0.1", instance.port());
        }

        /** Whether this reaches {@code instance}: a restarted instance may get the old one's port, not its socket. */
        boolean reaches(DeploymentInstances.ReadyInstance instance) {
            return java.util.Objects.equals(socketFile, instance.socketFile());
        }
    }

    private final EventLoops loops;
    private final String endpoint;
    private final String name;
    private final DeploymentMetrics metrics;
    private final InFlightLimit admission = new InFlightLimit();
    private final Map<Integer, Target> targets = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();
    private volatile Generation current;
    private volatile List<String> failure = List.of();

    DeploymentRuntime(String endpoint, String name, EventLoops loops,
                      io.micrometer.core.instrument.MeterRegistry registry) {
        this.loops = loops;
        this.endpoint = endpoint;
        this.name = name;
        this.metrics = new DeploymentMetrics(registry, endpoint, name, admission::inFlight);
    }

    String name() {
        return name;
    }

    DeploymentMetrics metrics() {
        return metrics;
    }

    Generation current() {
        return current;
    }

    /** Puts a new generation in service and retires the old one once its requests are done. */
    void switchTo(Generation next) throws InterruptedException {
        Generation old = current;
        current = next;
        failure = List.of();
        if (old != null && old != next) {
            try {
                old.instances().close(this::awaitIdle);
            } finally {
                forgetStaleTargets();
            }
        }
    }

    /** Scales the running generation, draining instances taken away. */
    void scale(DeploymentSpec spec) throws InstanceStartException, InterruptedException {
        Generation running = current;
        running.instances().scaleTo(spec.instanceCount(), this::awaitIdle);
        current = new Generation(spec, running.directory(), running.instances());
        forgetStaleTargets();
    }

    /** Remembers why the last start failed, for get-logs after the failed instances are gone. */
    void failed(InstanceStartException e) {
        List<String> lines = new ArrayList<>();
        lines.add("[amlite] " + e.getMessage().lines().findFirst().orElse(""));
        lines.addAll(e.lastLines());
        failure = List.copyOf(lines);
    }

    /**
     * Remembers why the last start failed before any instance ran (its model or code could not be laid out): after a
     * server restart there is no operation to carry the error, so get-logs is where a user finds it.
     */
    void failed(ArmException e) {
        failure = e.getMessage().lines().map(line -> "[amlite] could not start: " + line).toList();
    }

    private void awaitIdle(int port) throws InterruptedException {
        Target target = targets.get(port);
        Generation running = current;
        long limit = System.nanoTime() + (running == null ? 5_000_000_000L
                : running.spec().requestTimeout().toNanos() + 1_000_000_000L);
        while (target != null && target.inFlight.get() > 0 && System.nanoTime() < limit) {
            Thread.sleep(5);
        }
    }

    private void forgetStaleTargets() {
        Generation running = current;
        java.util.Set<Integer> live = new java.util.HashSet<>();
        if (running != null) {
            running.instances().ready().forEach(r -> live.add(r.port()));
        }
        targets.entrySet().removeIf(e -> {
            if (!live.contains(e.getKey()) && e.getValue().inFlight.get() == 0) {
                e.getValue().upstream.close();
                return true;
            }
            return false;
        });
    }

    /**
     * Whether a request would be admitted now (a mirrored copy is dropped when it would not: refusing it later
     * would cost a thread and an exchange for a 429 nobody reads). Racy by design: the admission itself decides.
     */
    boolean hasRoom() {
        Generation running = current;
        return running != null
                && admission.inFlight() < running.spec().admissionLimit(Math.max(1, running.instances().size()));
    }

    /**
     * Scores one request on this deployment (live traffic or a pinned request). The answer completes on the thread
     * that got the instance's answer: the scoring port's event loop when the request came from there.
     */
    CompletableFuture<ScoreAnswer> score(byte[] body, String contentType, String requestId) {
        long started = System.nanoTime();
        return exchange(body, contentType, requestId).thenApply(answer -> {
            metrics.record(answer.status(), System.nanoTime() - started, false);
            return answer;
        });
    }

    private CompletableFuture<ScoreAnswer> exchange(byte[] body, String contentType, String requestId) {
        Generation running = current;
        if (running == null) {
            return CompletableFuture.completedFuture(ScoreAnswer.error(503, "DeploymentNotReady", "Deployment '" + name
                    + "' of endpoint '" + endpoint + "' has no instance running yet; its provisioning state tells why "
                    + "('amlite ml online-deployment show').", name));
        }
        int instances = Math.max(1, running.instances().size());
        int limit = running.spec().admissionLimit(instances);
        if (!admission.tryAcquire(limit)) {
            return CompletableFuture.completedFuture(ScoreAnswer.error(429, "TooManyRequests", "Deployment '" + name
                    + "' has " + limit + " requests in flight, its limit (2 x max_concurrent_requests_per_instance "
                    + running.spec().maxConcurrentRequests() + " x " + instances + " instances). "
                    + "Retry later, or scale the deployment out.", name));
        }
        Target target = null;
        // An instance being drained (rolling update, scale down) may leave the ready set between the choice and the
        // count that protects it; a request that sees this chooses again.
        for (int attempt = 0; attempt < 3 && target == null; attempt++) {
            running = current;
            List<DeploymentInstances.ReadyInstance> ready = running == null ? List.of() : running.instances().ready();
            if (ready.isEmpty()) {
                admission.release();
                return CompletableFuture.completedFuture(ScoreAnswer.error(503, "NoHealthyInstance", "No instance of "
                        + "deployment '" + name + "' is ready (starting, restarting or failing its readiness probe); "
                        + "'amlite ml online-deployment get-logs -n " + name + " -e " + endpoint + "' shows why.", name));
            }
            Target chosen = pick(ready);
            chosen.inFlight.incrementAndGet();
            if (running == current && isReady(running, chosen.upstream.port())) {
                target = chosen;
            } else {
                chosen.inFlight.decrementAndGet();
            }
        }
        if (target == null) {
            admission.release();
            return CompletableFuture.completedFuture(ScoreAnswer.error(503, "NoHealthyInstance", "The instances of "
                    + "deployment '" + name + "' are being replaced; retry the request.", name));
        }
        Target serving = target;
        Generation generation = running;
        long timeout = generation.spec().requestTimeout().toNanos();
        return post(serving, body, contentType, requestId, timeout).handle((response, failure) -> {
            serving.inFlight.decrementAndGet();
            admission.release();
            return outcome(response, failure, generation, requestId, serving, false);
        });
    }

    /** An exchange's outcome as Azure answers it: the instance's answer mapped, a timeout 408, a lost one 502. */
    private ScoreAnswer outcome(UpstreamResponse response, Throwable failure, Generation generation, String requestId,
                                Target target, boolean mirror) {
        if (failure == null) {
            return map(response, generation);
        }
        Throwable cause = Stages.cause(failure);
        String what = mirror ? "the mirrored copy" : "the request";
        if (cause instanceof UpstreamTimeoutException) {
            return ScoreAnswer.error(408, "RequestTimeout", "Deployment '" + name + "' did not answer " + what
                    + " within request_timeout_ms " + generation.spec().requestTimeout().toMillis() + "; it was "
                    + "cancelled.", name);
        }
        LOG.info("Scoring request {} to {}/{} failed on port {}: {}", requestId, endpoint, name,
                target.upstream.port(), cause.toString());
        return ScoreAnswer.error(502, "BadGateway", "The instance of deployment '" + name + "' closed the "
                + "connection without answering " + what + " (it may have crashed; it restarts by itself). Retry "
                + "the request.", name);
    }

    private static CompletableFuture<UpstreamResponse> post(Target target, byte[] body, String contentType,
                                                            String requestId, long timeoutNanos) {
        Map<String, String> headers = Map.of("Content-Type", contentType == null ? ScoreAnswer.JSON : contentType,
                "x-request-id", requestId, TIMEOUT_HEADER, Long.toString(timeoutNanos / 1_000_000));
        return target.upstream.post("/score", headers, body, timeoutNanos);
    }

    /**
     * Sends a mirrored copy; {@code answered} gets the shadow's answer later. False when the copy was not sent (no
     * room under the admission limit, no ready instance): the caller counts it as dropped, and {@code answered} is
     * not called.
     */
    boolean mirror(byte[] body, String contentType, String requestId, java.util.function.Consumer<ScoreAnswer> answered) {
        Generation running = current;
        if (running == null) {
            return false;
        }
        int limit = running.spec().admissionLimit(Math.max(1, running.instances().size()));
        if (!admission.tryAcquire(limit)) {
            return false;
        }
        List<DeploymentInstances.ReadyInstance> ready = running.instances().ready();
        if (ready.isEmpty()) {
            admission.release();
            return false;
        }
        Target target = pick(ready);
        target.inFlight.incrementAndGet();
        long started = System.nanoTime();
        long timeout = running.spec().requestTimeout().toNanos();
        Generation generation = running;
        post(target, body, contentType, requestId, timeout).whenComplete((response, failure) -> {
            target.inFlight.decrementAndGet();
            admission.release();
            ScoreAnswer answer = outcome(response, failure, generation, requestId, target, true);
            metrics.record(answer.status(), System.nanoTime() - started, true);
            answered.accept(answer);
        });
        return true;
    }

    private static boolean isReady(Generation running, int port) {
        for (DeploymentInstances.ReadyInstance instance : running.instances().ready()) {
            if (instance.port() == port) {
                return true;
            }
        }
        return false;
    }

    private Target pick(List<DeploymentInstances.ReadyInstance> ready) {
        int size = ready.size();
        int start = (int) (turn.getAndIncrement() % size);
        Target best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            DeploymentInstances.ReadyInstance instance = ready.get((start + i) % size);
            Target target = targets.get(instance.port());
            if (target == null || !target.reaches(instance)) {
                target = targets.compute(instance.port(), (p, known) -> known != null && known.reaches(instance) ? known
                        : new Target(loops, instance));
            }
            int load = target.inFlight.get();
            if (load < bestLoad) {
                best = target;
                bestLoad = load;
                if (load == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /**
     * The instance's answer as Azure gives it: 200 as is, and so the script's own status (an AMLResponse); a failure
     * of the user's code is 424 with its error.
     */
    private ScoreAnswer map(UpstreamResponse response, Generation running) {
        int status = response.status();
        if (status >= 200 && status < 300 || response.modelStatus() && status >= 200 && status < 600) {
            return new ScoreAnswer(status, response.contentType(), response.body(), name);
        }
        if (status == 408) {
            return ScoreAnswer.error(408, "RequestTimeout", "Deployment '" + name + "' did not answer within "
                    + "request_timeout_ms " + running.spec().requestTimeout().toMillis() + "; run() was cancelled.", name);
        }
        if (status == 413) {
            return new ScoreAnswer(413, response.contentType(), response.body(), name);
        }
        String detail = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode parsed = Json.parse(detail);
            if (parsed.path("error").isTextual()) {
                detail = parsed.path("error").asText();
            }
        } catch (RuntimeException ignored) {
            // not JSON: shown as it came
        }
        ObjectNode error = Json.object();
        error.putObject("error").put("code", "ModelError").put("message", "The scoring script of deployment '" + name
                + "' failed (its instance answered " + status + "): " + detail + " — the traceback is in "
                + "'amlite ml online-deployment get-logs -n " + name + " -e " + endpoint + "'.");
        return new ScoreAnswer(424, ScoreAnswer.JSON, Json.write(error).getBytes(StandardCharsets.UTF_8), name);
    }

    List<String> logs(int lines) {
        Generation running = current;
        List<String> out = new ArrayList<>(failure);
        if (running != null) {
            out.addAll(running.instances().logs(lines));
        }
        return out;
    }

    int readyInstances() {
        Generation running = current;
        return running == null ? 0 : running.instances().ready().size();
    }

    int restarts() {
        Generation running = current;
        return running == null ? 0 : running.instances().restarts();
    }

    @Override
    public void close() {
        Generation running = current;
        current = null;
        if (running != null) {
            running.instances().close();
        }
        targets.values().forEach(t -> t.upstream.close());
        targets.clear();
        metrics.unregister();
    }
}
