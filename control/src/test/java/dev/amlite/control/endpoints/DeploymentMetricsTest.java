package dev.amlite.control.endpoints;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** What a deployment's requests show in /metrics and in get-metrics, from the same counts. */
class DeploymentMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DeploymentMetrics metrics = new DeploymentMetrics(registry, "ep", "blue", () -> 7);

    @Test
    void liveAndMirroredRequestsReachTheScrapeAsTheyAreRecorded() {
        metrics.record(200, 2_000_000, false);
        metrics.record(424, 3_000_000, false);
        metrics.record(200, 5_000_000, false);
        metrics.record(200, 1_000_000, true);
        metrics.record(500, 1_000_000, true);
        metrics.mirrorDropped();

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("amlite_scoring_requests_total{deployment=\"blue\",endpoint=\"ep\",traffic=\"live\"} 3.0")
                .contains("amlite_scoring_requests_total{deployment=\"blue\",endpoint=\"ep\",traffic=\"mirror\"} 2.0")
                .contains("amlite_scoring_mirror_dropped_total{deployment=\"blue\",endpoint=\"ep\"} 1.0")
                .contains("amlite_scoring_latency_seconds_count{deployment=\"blue\",endpoint=\"ep\"} 3")
                .contains("amlite_scoring_latency_seconds_sum{deployment=\"blue\",endpoint=\"ep\"} 0.01")
                .contains("amlite_scoring_in_flight{deployment=\"blue\",endpoint=\"ep\"} 7.0")
                // 5 ms, to the width of the histogram's 5 % buckets
                .containsPattern("amlite_scoring_latency_p99_ms\\{deployment=\"blue\",endpoint=\"ep\"} 5\\.[0-2]\\d*\n");

        metrics.record(200, 1_000_000, false);
        assertThat(registry.scrape()).as("read when scraped, not copied when registered")
                .contains("amlite_scoring_requests_total{deployment=\"blue\",endpoint=\"ep\",traffic=\"live\"} 4.0")
                .contains("amlite_scoring_latency_seconds_sum{deployment=\"blue\",endpoint=\"ep\"} 0.011");

        var json = metrics.toJson();
        assertThat(json.path("requests").asLong()).isEqualTo(4);
        assertThat(json.path("succeeded").asLong()).isEqualTo(3);
        assertThat(json.path("modelErrors424").asLong()).isEqualTo(1);
        assertThat(json.path("mirrored").path("requests").asLong()).isEqualTo(2);
        assertThat(json.path("mirrored").path("failed").asLong()).isEqualTo(1);
        assertThat(json.path("mirrored").path("dropped").asLong()).isEqualTo(1);
    }

    @Test
    void aDeletedDeploymentLeavesNoSeries() {
        metrics.record(200, 1_000_000, false);
        metrics.unregister();
        assertThat(registry.scrape()).doesNotContain("deployment=\"blue\"");
    }
}
