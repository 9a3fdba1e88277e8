package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.store.StoredResource;

/**
 * A provider's handler for one tracked type, with ARM's reads and delete as every such type has them: GET the
 * resource, list the type below a scope, DELETE the resource and everything under it (204 when it was not there).
 * Providers override what differs (presentation, soft delete, cleanup of linked resources).
 */
public interface TrackedTypeHandler extends ResourceTypeHandler {
    TrackedResources tracked();

    /** The full type this handler serves, e.g. {@code Microsoft.Storage/storageAccounts}. */
    String type();

    /** The document a read returns. */
    default ObjectNode present(StoredResource row) {
        return row.documentCopy();
    }

    /**
     * The document a read returns to {@code request}: {@link #present(StoredResource)} unless the type shows URLs it
     * serves, which take the address the request reached (see {@link dev.amlite.control.arm.ServedUrls}).
     */
    default ObjectNode present(StoredResource row, ArmRequest request) {
        return present(row);
    }

    /** The document without its etag, for types whose ARM contract has none. */
    static ObjectNode withoutEtag(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        return document;
    }

    @Override
    default ArmResponse get(ArmRequest request) {
        StoredResource row = tracked().existing(request.resource());
        // The etag of the row shown, for a write conditioned on it (If-Match): read with the body, never after it.
        return ArmResponse.ok(present(row, request)).withHeader("ETag", row.etag());
    }

    @Override
    default ArmResponse list(ArmRequest request) {
        return ArmResponse.list(tracked().list(request.resource(), type()).stream().map(row -> present(row, request)).toList());
    }

    @Override
    default ArmResponse delete(ArmRequest request) {
        return tracked().deleteTree(request);
    }
}
