package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.serving.routing.LatencyHistogram;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * A deployment's request counts, errors and latencies (EP-10), live and mirrored apart, kept here for
 * {@code online-deployment show} and published to {@code /metrics} with the endpoint and deployment as tags.
 * Recording a request touches only this class's adders and histograms, on the event loop that answered it; the
 * {@code /metrics} series read them when scraped. Micrometer's own counters and timer on the scoring path were a
 * second copy of the same counts, and the timer's windowed maximum (a ring rotated by the clock) was one of the
 * places the JIT deoptimized when traffic came back after an idle spell (docs/benchmarks.md).
 */
final class DeploymentMetrics {
    private final LongAdder requests = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder modelErrors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder mirrored = new LongAdder();
    private final LongAdder mirrorFailed = new LongAdder();
    private final LongAdder mirrorDropped = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram mirrorLatency = new LatencyHistogram();
    private final LongAdder latencyNanos = new LongAdder();
    private final MeterRegistry registry;
    private final List<io.micrometer.core.instrument.Meter> meters;

    DeploymentMetrics(MeterRegistry registry, String endpoint, String deployment, IntSupplier inFlight) {
        this.registry = registry;
        Tags tags = Tags.of("endpoint", endpoint, "deployment", deployment);
        FunctionCounter live = FunctionCounter.builder("amlite_scoring_requests", requests, LongAdder::sum)
                .description("Scoring requests answered").tags(tags.and("traffic", "live")).register(registry);
        FunctionCounter copies = FunctionCounter.builder("amlite_scoring_requests", mirrored, LongAdder::sum)
                .description("Scoring requests answered").tags(tags.and("traffic", "mirror")).register(registry);
        FunctionCounter dropped = FunctionCounter.builder("amlite_scoring_mirror_dropped", mirrorDropped,
                        LongAdder::sum).description("Mirrored requests dropped because the mirror was at capacity")
                .tags(tags).register(registry);
        FunctionTimer timer = FunctionTimer.builder("amlite_scoring_latency", this, m -> m.requests.sum(),
                        m -> m.latencyNanos.sum(), TimeUnit.NANOSECONDS).description("Scoring latency of live requests")
                .tags(tags).register(registry);
        Gauge gauge = Gauge.builder("amlite_scoring_in_flight", inFlight::getAsInt).tags(tags)
                .description("Scoring requests in flight").register(registry);
        Gauge p50 = Gauge.builder("amlite_scoring_latency_p50_ms", () -> latency.percentileMillis(0.5)).tags(tags)
                .register(registry);
        Gauge p99 = Gauge.builder("amlite_scoring_latency_p99_ms", () -> latency.percentileMillis(0.99)).tags(tags)
                .register(registry);
        this.meters = List.of(live, copies, dropped, timer, gauge, p50, p99);
    }

    void record(int status, long nanos, boolean mirror) {
        if (mirror) {
            mirrored.increment();
            mirrorLatency.record(nanos);
            if (status >= 400) {
                mirrorFailed.increment();
            }
            return;
        }
        requests.increment();
        latency.record(nanos);
        latencyNanos.add(nanos);
        if (status < 400) {
            succeeded.increment();
        } else if (status == 408) {
            timeouts.increment();
        } else if (status == 429) {
            throttled.increment();
        } else if (status == 424) {
            modelErrors.increment();
        } else if (status < 500) {
            clientErrors.increment();
        } else {
            serverErrors.increment();
        }
    }

    void mirrorDropped() {
        mirrorDropped.increment();
    }

    long requests() {
        return requests.sum();
    }

    long mirrored() {
        return mirrored.sum();
    }

    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("requests", requests.sum());
        node.put("succeeded", succeeded.sum());
        node.put("modelErrors424", modelErrors.sum());
        node.put("timeouts408", timeouts.sum());
        node.put("throttled429", throttled.sum());
        node.put("otherClientErrors4xx", clientErrors.sum());
        node.put("serverErrors5xx", serverErrors.sum());
        ObjectNode latencies = node.putObject("latencyMs");
        latencies.put("p50", round(latency.percentileMillis(0.50)));
        latencies.put("p90", round(latency.percentileMillis(0.90)));
        latencies.put("p99", round(latency.percentileMillis(0.99)));
        ObjectNode mirror = node.putObject("mirrored");
        mirror.put("requests", mirrored.sum());
        mirror.put("failed", mirrorFailed.sum());
        mirror.put("dropped", mirrorDropped.sum());
        mirror.put("p50Ms", round(mirrorLatency.percentileMillis(0.50)));
        mirror.put("p99Ms", round(mirrorLatency.percentileMillis(0.99)));
        return node;
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }

    /** Removes this deployment's series from /metrics when it is deleted. */
    void unregister() {
        meters.forEach(registry::remove);
    }
}
