package dev.amlite.control.compute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the commands of jobs run once a node is leased to them. The embedded default ({@link LocalNodeBackend})
 * runs each node as a local worker slot: the command is a process tree on this machine. A Kubernetes backend
 * would run a pod per lease; nothing above this interface knows which.
 */
public interface NodeBackend {
    /** What to run: the command line, its folder and environment, and the file its output goes to. */
    record Launch(List<String> command, Path workingDirectory, Map<String, String> environment, Path logFile) {
        public Launch {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }
    }

    /** A command running on a node. */
    interface Running {
        long pid();

        /** Completes with the exit code. */
        CompletableFuture<Integer> exit();

        /** Stops the whole process tree: asked to terminate, killed after {@code grace}. */
        void kill(Duration grace);
    }

    Running launch(ComputePool.NodeLease lease, Launch launch) throws IOException;

    /**
     * Stops what an earlier server left running when it did not stop cleanly (killed, or the machine's power): called
     * once at start, before any job is dispatched. Returns how many commands it stopped.
     */
    default int stopLeftovers() {
        return 0;
    }
}
