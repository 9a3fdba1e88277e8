package dev.amlite.control.jobs;

import dev.amlite.control.FileTrees;
import dev.amlite.control.workspace.WorkspaceData;
import dev.amlite.store.StoredResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's copies of a workspace's job logs ({@code <jobs root>/logs/<workspace folder>/}) go when the workspace
 * goes for good. The stored copies stay with the artifacts, in the workspace's storage account.
 */
public final class JobLogsPurge implements WorkspaceData {
    private static final Logger LOG = LoggerFactory.getLogger(JobLogsPurge.class);
    private final Path logs;

    public JobLogsPurge(JobsConfig config) {
        this.logs = config.root().resolve("logs");
    }

    @Override
    public void forget(StoredResource workspace) {
        delete(logs.resolve(Jobs.folder(workspace.id())));
    }

    @Override
    public void forgetAllBut(Supplier<List<StoredResource>> stored) {
        Set<Path> orphans = folders(); // first: see WorkspaceData
        if (orphans.isEmpty()) {
            return;
        }
        for (StoredResource workspace : stored.get()) {
            orphans.remove(logs.resolve(Jobs.folder(workspace.id())));
        }
        orphans.forEach(JobLogsPurge::delete);
        if (!orphans.isEmpty()) {
            LOG.info("Removed the job logs of {} workspace(s) no longer stored here (deleted with their resource "
                    + "group, or moved)", orphans.size());
        }
    }

    private Set<Path> folders() {
        try {
            return new HashSet<>(FileTrees.folders(logs));
        } catch (IOException e) {
            LOG.warn("Listing {} failed: {}", logs, e.toString());
            return new HashSet<>();
        }
    }

    private static void delete(Path folder) {
        try {
            FileTrees.delete(folder);
        } catch (IOException e) {
            LOG.warn("Deleting the job logs in {} failed: {}", folder, e.toString());
        }
    }
}
