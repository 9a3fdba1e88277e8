package dev.amlite.store;

import java.time.Instant;
import static java.util.Objects.requireNonNull;

/**
 * A long-running operation as stored. {@code request} holds what a worker needs to (re)run it after a restart;
 * {@code error} is ARM's error object as JSON once it failed.
 */
public record Operation(String id, String kind, String resourceId, String subscriptionId, OperationStatus status,
                        String request, String error, Instant createdAt, Instant updatedAt, Instant endedAt) {
    public Operation {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(resourceId, "resourceId is null");
        requireNonNull(status, "status is null");
        requireNonNull(request, "request is null");
    }
}
