package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last requests of one endpoint (EP-10, the role Application Insights plays on Azure): a fixed ring, so an
 * endpoint under heavy load costs the same memory as an idle one.
 */
final class RequestLog {
    record Entry(Instant time, String requestId, String deployment, int status, double millis, boolean mirrored,
                 int requestBytes, int responseBytes) {
    }

    // Written on every scoring request, so without a lock: a slot is claimed by the counter; a reader may see a
    // slot a moment before its entry lands, which it skips.
    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();

    RequestLog(int capacity) {
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    void add(Entry entry) {
        ring.set((int) (next.getAndIncrement() % ring.length()), entry);
    }

    /** The newest {@code limit} entries, newest first. */
    ArrayNode newest(int limit) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        long last = next.get();
        long count = Math.min(Math.min(limit, ring.length()), last);
        for (long i = 0; i < count; i++) {
            Entry entry = ring.get((int) ((last - 1 - i) % ring.length()));
            if (entry == null) {
                continue;
            }
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
