package dev.amlite.control.tracking;

import dev.amlite.control.workspace.WorkspaceData;
import dev.amlite.store.StoredResource;
import dev.amlite.store.TrackingStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workspace's MLflow experiments, runs, metrics, params, tags and registered models go when the workspace goes for
 * good, as they do on Azure where they live in the workspace. The artifacts stay: they are blobs in the workspace's
 * storage account, which outlives the workspace unless deleted with it.
 */
public final class TrackingPurge implements WorkspaceData {
    private static final Logger LOG = LoggerFactory.getLogger(TrackingPurge.class);
    private final TrackingStore store;

    public TrackingPurge(TrackingStore store) {
        this.store = store;
    }

    @Override
    public void forget(StoredResource workspace) {
        store.deleteWorkspace(Tracking.workspaceKey(workspace));
    }

    @Override
    public void forgetAllBut(Supplier<List<StoredResource>> stored) {
        Set<String> orphans = new HashSet<>(store.workspaceKeys()); // first: see WorkspaceData
        if (orphans.isEmpty()) {
            return;
        }
        for (StoredResource workspace : stored.get()) {
            orphans.remove(TrackingStore.storedKey(Tracking.workspaceKey(workspace)));
        }
        for (String key : orphans) {
            store.deleteWorkspace(key);
        }
        if (!orphans.isEmpty()) {
            LOG.info("Removed the MLflow tracking data of {} workspace(s) no longer stored (deleted with their "
                    + "resource group)", orphans.size());
        }
    }
}
