package dev.amlite.control.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as local worker slots: the command runs in its own session ({@code setsid}), so that a kill reaches every
 * process it started — also the ones whose parent already exited and that the JVM no longer sees as descendants.
 * Each running command carries a mark in its environment ({@value #MARK}, inherited by everything it starts) and has
 * a record of it in {@code records} until it exits: a server killed without a clean stop leaves its jobs' processes
 * running, reparented, and the next server stops every process that carries a recorded mark before it dispatches
 * anything. The mark, not a pid, says which processes are the job's: pids are reused, and a job's processes may
 * have left its process group.
 */
public final class LocalNodeBackend implements NodeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNodeBackend.class);
    static final String MARK = "AMLITE_JOB_PROCESS";
    private final boolean setsid;
    private final Path records;

    public LocalNodeBackend(Path records) {
        this.setsid = Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));
        this.records = records;
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
        String mark = UUID.randomUUID().toString();
        builder.environment().put(MARK, mark);
        // Recorded before the start: a crash between the two leaves a record of nothing, not a process without one.
        Path record = record(mark, lease);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            forget(record);
            throw e;
        }
        LOG.info("Node {} of {} runs pid {}", lease.nodeId(), lease.compute().name(), process.pid());
        process.onExit().whenComplete((done, failure) -> forget(record));
        return new LocalRunning(process, setsid);
    }

    /** Writes the record of a command's mark, whole or not at all (a crash mid-write leaves no half record). */
    private Path record(String mark, ComputePool.NodeLease lease) throws IOException {
        Files.createDirectories(records);
        Path record = records.resolve(mark + ".process");
        Path partial = records.resolve(mark + ".partial");
        Files.writeString(partial, mark + "\n" + lease.compute().name() + " " + lease.nodeId() + " " + lease.job()
                + "\n", StandardCharsets.UTF_8);
        Files.move(partial, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return record;
    }

    private static void forget(Path record) {
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", record, e.toString());
        }
    }

    @Override
    public int stopLeftovers() {
        if (!Files.isDirectory(records)) {
            return 0;
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(records)) {
            found = files.toList();
        } catch (IOException e) {
            LOG.warn("Could not list {}: {}", records, e.toString());
            return 0;
        }
        int stopped = 0;
        for (Path record : found) {
            if (record.getFileName().toString().endsWith(".process")) {
                stopped += stopLeftover(record) ? 1 : 0;
            }
            forget(record);
        }
        if (stopped > 0) {
            LOG.warn("Stopped {} job command(s) that a server which did not stop cleanly left running", stopped);
        }
        return stopped;
    }

    /** Stops every process that carries the mark a record names; whether there was one. */
    private boolean stopLeftover(Path record) {
        List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Ignoring the unreadable process record {}: {}", record, e.toString());
            return false;
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            return false;
        }
        byte[] mark = (MARK + "=" + lines.get(0).strip()).getBytes(StandardCharsets.UTF_8);
        List<ProcessHandle> marked = ProcessHandle.allProcesses().filter(p -> carries(p.pid(), mark)).toList();
        marked.forEach(ProcessHandle::destroyForcibly);
        if (!marked.isEmpty()) {
            LOG.warn("Stopped {} process(es) of {}, left running by the previous server", marked.size(),
                    lines.size() > 1 ? lines.get(1) : "a job");
        }
        return !marked.isEmpty();
    }

    /** Whether the environment of process {@code pid} has the entry {@code mark} (Linux's /proc; false elsewhere). */
    static boolean carries(long pid, byte[] mark) {
        byte[] environment;
        try {
            environment = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or not ours to read (another user's process is not a job of this server)
        }
        for (int start = 0; start + mark.length <= environment.length; ) {
            int end = start;
            while (end < environment.length && environment[end] != 0) {
                end++;
            }
            if (end - start == mark.length && Arrays.equals(environment, start, end, mark, 0, mark.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** Sends {@code signal} to the process group {@code pid}; whether there was one. */
    private static boolean signalGroup(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            LOG.debug("kill {} -{} failed: {}", signal, pid, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
            signal("-TERM");
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
            signal("-KILL");
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        private void signal(String signal) {
            if (ownGroup) {
                signalGroup(process.pid(), signal);
            }
        }
    }
}
