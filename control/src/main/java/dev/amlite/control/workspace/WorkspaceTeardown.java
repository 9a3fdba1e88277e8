package dev.amlite.control.workspace;

import dev.amlite.store.StoredResource;

/**
 * What another feature runs in a workspace that stops as soon as the workspace is deleted, soft or for good: online
 * endpoints and computes (which Azure hard-deletes with a workspace's soft delete) and jobs (canceled). Called in
 * the order they were added, before the workspace's rows change; a teardown that throws fails the delete, so nothing
 * keeps running for a workspace that is gone.
 */
@FunctionalInterface
public interface WorkspaceTeardown {
    void tearDown(StoredResource workspace);
}
