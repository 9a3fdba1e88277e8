package dev.amlite.sdk.ml;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tracked run (seed 003's {@code Workspace.get_run}): a job's run has the job's name as its id. Metrics are the
 * latest value of each key; the history is on the MLflow API.
 */
public record Run(String id, String experimentId, String name, String status, Instant startTime, Instant endTime,
                  Map<String, Double> metrics, Map<String, String> params, Map<String, String> tags) {
    static Run of(JsonNode run) {
        JsonNode info = run.path("info");
        JsonNode data = run.path("data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        data.path("metrics").forEach(m -> metrics.put(m.path("key").asText(), m.path("value").isNumber()
                ? m.path("value").asDouble() : Double.parseDouble(m.path("value").asText())));
        Map<String, String> params = new LinkedHashMap<>();
        data.path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        data.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        return new Run(info.path("run_id").asText(), info.path("experiment_id").asText(),
                info.path("run_name").asText(null), info.path("status").asText(),
                Instant.ofEpochMilli(info.path("start_time").asLong()),
                info.hasNonNull("end_time") ? Instant.ofEpochMilli(info.path("end_time").asLong()) : null,
                Map.copyOf(metrics), Map.copyOf(params), Map.copyOf(tags));
    }
}
