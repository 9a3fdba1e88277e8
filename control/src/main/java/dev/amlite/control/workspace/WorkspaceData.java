package dev.amlite.control.workspace;

import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.function.Supplier;

/**
 * Data another feature keeps for workspaces outside the resource store (MLflow tracking), which goes when its
 * workspace goes for good: at once when the workspace is purged, and at the next purge sweep when it went without a
 * purge (its resource group was deleted). A soft-deleted workspace keeps it, so that recovering the workspace brings
 * it back.
 */
public interface WorkspaceData {
    /** Forgets everything of {@code workspace}, which was just purged. */
    void forget(StoredResource workspace);

    /**
     * Forgets every workspace it has data of that is not among {@code stored()}: the workspaces in the store, active
     * or soft-deleted. Reads its own keys before it calls {@code stored}, so a workspace made meanwhile (whose data can
     * only be written after the workspace) is never taken for a gone one.
     */
    void forgetAllBut(Supplier<List<StoredResource>> stored);
}
