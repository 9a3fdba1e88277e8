package dev.amlite.control.workspace;

import dev.amlite.control.arm.ArmRequest;
import dev.amlite.store.StoredResource;

/**
 * What other features do when a workspace is created or its settings change (the assets feature makes the
 * default datastores). A listener that throws during creation fails the creation, which is then rolled back.
 */
public interface WorkspaceListener {
    void changed(ArmRequest request, StoredResource workspace, boolean created);
}
