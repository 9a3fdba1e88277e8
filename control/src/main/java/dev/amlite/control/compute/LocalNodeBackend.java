package dev.amlite.control.compute;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as local worker slots: the command runs in its own session ({@code setsid}), so that a kill reaches every
 * process it started — also the ones whose parent already exited and that the JVM no longer sees as descendants.
 */
public final class LocalNodeBackend implements NodeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNodeBackend.class);
    private final boolean setsid;

    public LocalNodeBackend() {
        this.setsid = Files.isExecutable(java.nio.file.Path.of("/usr/bin/setsid"))
                || Files.isExecutable(java.nio.file.Path.of("/bin/setsid"));
    }

    @Override
    public Running launch(ComputePool.NodeLease lease, Launch launch) throws IOException {
        List<String> command = new ArrayList<>();
        if (setsid) {
            command.add("setsid");
        }
        command.addAll(launch.command());
        ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workingDirectory().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(launch.environment());
        Process process = builder.start();
        LOG.info("Node {} of {} runs pid {}", lease.nodeId(), lease.compute().name(), process.pid());
        return new LocalRunning(process, setsid);
    }

    private record LocalRunning(Process process, boolean ownGroup) implements Running {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return process.onExit().thenApply(Process::exitValue);
        }

        @Override
        public void kill(Duration grace) {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            signalGroup("-TERM");
            tree.forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Whatever is left of the tree (children that ignore SIGTERM, or outlived their parent) dies now.
            tree.addAll(process.descendants().toList());
            signalGroup("-KILL");
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        private void signalGroup(String signal) {
            if (!ownGroup) {
                return;
            }
            try {
                new ProcessBuilder("kill", signal, "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOG.debug("kill {} -{} failed: {}", signal, process.pid(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
