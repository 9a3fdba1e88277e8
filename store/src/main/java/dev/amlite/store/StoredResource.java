package dev.amlite.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ResourceId;
import java.time.Instant;
import static java.util.Objects.requireNonNull;

/**
 * One resource as stored: its id, the ARM document a GET returns, and bookkeeping. The document is owned by the
 * record: callers that change it work on {@link #documentCopy()}.
 */
public record StoredResource(ResourceId id, String location, ObjectNode document, String etag, ResourceState state,
                             Instant createdAt, Instant updatedAt) {
    public StoredResource {
        requireNonNull(id, "id is null");
        requireNonNull(document, "document is null");
        requireNonNull(state, "state is null");
    }

    public ObjectNode documentCopy() {
        return document.deepCopy();
    }

    public String provisioningState() {
        var properties = document.path("properties");
        return properties.path("provisioningState").asText(null);
    }
}
