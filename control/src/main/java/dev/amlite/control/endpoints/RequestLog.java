package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.time.Instant;

/**
 * The last requests of one endpoint (EP-10, the role Application Insights plays on Azure): a fixed ring, so an
 * endpoint under heavy load costs the same memory as an idle one.
 */
final class RequestLog {
    record Entry(Instant time, String requestId, String deployment, int status, double millis, boolean mirrored,
                 int requestBytes, int responseBytes) {
    }

    private final Entry[] ring;
    private long next;

    RequestLog(int capacity) {
        this.ring = new Entry[capacity];
    }

    synchronized void add(Entry entry) {
        ring[(int) (next++ % ring.length)] = entry;
    }

    /** The newest {@code limit} entries, newest first. */
    synchronized ArrayNode newest(int limit) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        long count = Math.min(Math.min(limit, ring.length), next);
        for (long i = 0; i < count; i++) {
            Entry entry = ring[(int) ((next - 1 - i) % ring.length)];
            ObjectNode row = out.addObject();
            row.put("time", entry.time().toString());
            row.put("requestId", entry.requestId());
            row.put("deployment", entry.deployment());
            row.put("status", entry.status());
            row.put("durationMs", Math.round(entry.millis() * 100) / 100.0);
            row.put("mirrored", entry.mirrored());
            row.put("requestBytes", entry.requestBytes());
            row.put("responseBytes", entry.responseBytes());
        }
        return out;
    }
}
