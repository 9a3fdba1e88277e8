package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A change the server makes to a resource's document on its own (a job's status, a compute's node count): read,
 * change, replace under the etag, and again when a user's write got there first.
 */
public final class DocumentEdit {
    private static final int ATTEMPTS = 8;

    private DocumentEdit() {
    }

    /** Applies {@code change} to the whole document; empty when the resource is gone. */
    public static Optional<StoredResource> apply(ResourceStore store, ResourceId id, Consumer<ObjectNode> change) {
        for (int attempt = 0; ; attempt++) {
            Optional<StoredResource> current = store.get(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            ObjectNode document = current.get().documentCopy();
            change.accept(document);
            try {
                return Optional.of(store.replace(current.get(), current.get().location(), document));
            } catch (ArmException e) {
                if (e.code() != ErrorCode.PreconditionFailed || attempt + 1 >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
