package dev.amlite.control.jobs;

import dev.amlite.control.FileTrees;
import dev.amlite.control.assets.Assets;
import dev.amlite.control.compute.ComputePool;
import dev.amlite.control.compute.NodeBackend;
import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job on one leased node, from Preparing to its end: lays out the code, downloads the inputs, runs the command
 * with its references resolved, uploads the outputs and the log, and reports each step. A cancel kills the whole
 * process tree. The log is a local file while the job runs (so that {@code --stream} follows it) and is stored in
 * the workspace's default datastore at the end.
 */
final class JobExecution implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobExecution.class);

    /** What the execution reports back to {@link Jobs}. */
    interface Reporter {
        void status(ResourceId job, String status, Map<String, Object> details);
    }

    private final ResourceId job;
    private final JobSpec spec;
    private final ComputePool.NodeLease lease;
    private final NodeBackend backend;
    private final Assets assets;
    private final JobsConfig config;
    private final Path logFile;
    private final Map<String, String> platformEnvironment;
    private final Reporter reporter;
    private final Runnable released;
    private volatile boolean cancelled;
    private volatile boolean stopping;
    private volatile boolean abandoned;
    private volatile NodeBackend.Running running;

    JobExecution(ResourceId job, JobSpec spec, ComputePool.NodeLease lease, NodeBackend backend, Assets assets,
                 JobsConfig config, Path logFile, Map<String, String> platformEnvironment, Reporter reporter,
                 Runnable released) {
        this.job = job;
        this.spec = spec;
        this.lease = lease;
        this.backend = backend;
        this.assets = assets;
        this.config = config;
        this.logFile = logFile;
        this.platformEnvironment = platformEnvironment;
        this.reporter = reporter;
        this.released = released;
    }

    /** The server stops: the job's processes are killed and it fails, saying why. */
    void stopForShutdown() {
        stopping = true;
        NodeBackend.Running process = running;
        if (process != null) {
            process.kill(config.cancelGrace());
        }
    }

    ResourceId job() {
        return job;
    }

    /** Whether {@link #cancel()} was called: the process is being killed or is gone. */
    boolean cancelling() {
        return cancelled;
    }

    /**
     * The job is gone from the store with its workspace (a resource group's delete), and {@link #cancel()} follows:
     * from now on nothing more is written for it: no log line (its workspace's log folder is being removed) and no
     * stored copy of the log (its storage account went with the group).
     */
    void abandon() {
        abandoned = true;
    }

    /**
     * Marks the job as being canceled, before {@link #cancel()} runs on its own thread: from here on the dispatcher's
     * check of the store does not take the CancelRequested this server writes for a cancel asked of another.
     */
    void markCancelling() {
        cancelled = true;
    }

    void cancel() {
        cancelled = true;
        NodeBackend.Running process = running;
        if (process != null) {
            process.kill(config.cancelGrace());
        }
    }

    private void log(String line) {
        if (abandoned) {
            return;
        }
        appendLog(logFile, line);
    }

    /** Adds one of amlite's own lines ({@code [amlite] <time> …}) to a job's log. */
    static void appendLog(Path logFile, String line) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "[amlite] " + Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("Cannot write the log {}: {}", logFile, e.toString());
        }
    }

    @Override
    public void run() {
        ResourceId workspace = job.parent();
        Path work = workFolder(config, job);
        String outcome = JobStatus.FAILED;
        Map<String, Object> details = new LinkedHashMap<>();
        try {
            reporter.status(job, JobStatus.PREPARING, Map.of("node", lease.nodeId()));
            log("job " + job.name() + " on node " + lease.nodeId() + " of " + lease.compute().name());
            deleteTree(work);
            Path code = Files.createDirectories(work.resolve("code"));
            if (spec.codeId() != null) {
                int files = assets.copyFiles(ResourceId.parse(spec.codeId()), code, false);
                log("code: " + files + " file(s)");
            }
            Map<String, String> inputValues = new LinkedHashMap<>();
            for (Map.Entry<String, JobSpec.Input> input : spec.inputs().entrySet()) {
                JobSpec.Input value = input.getValue();
                if (value.literal()) {
                    inputValues.put(input.getKey(), value.value());
                    continue;
                }
                Path target = Files.createDirectories(work.resolve("inputs").resolve(input.getKey()));
                String uri = value.uri().startsWith("/subscriptions/") ? Jobs.dataUri(assets, value.uri()) : value.uri();
                int files = assets.download(workspace, uri, target);
                if (files == 0) {
                    throw new JobFailure("InputNotFound", "Input '" + input.getKey() + "' has no files at '" + uri + "'.");
                }
                log("input " + input.getKey() + ": " + files + " file(s) from " + uri + " (" + value.mode() + ", copied)");
                inputValues.put(input.getKey(), value.type().equals("uri_file") ? onlyFile(target).toString()
                        : target.toString());
            }
            Map<String, String> outputPaths = new LinkedHashMap<>();
            for (String output : spec.outputs().keySet()) {
                outputPaths.put(output, Files.createDirectories(work.resolve("outputs").resolve(output)).toString());
            }
            if (cancelled) {
                outcome = JobStatus.CANCELED;
                return;
            }
            Path bin = Files.createDirectories(work.resolve(".amlite-bin"));
            for (String name : List.of("python", "python3")) {
                Files.deleteIfExists(bin.resolve(name));
                Files.createSymbolicLink(bin.resolve(name), Path.of(resolveInterpreter(config.python())));
            }
            Path pythonPath = MlflowClient.writeTo(work.resolve(".amlite-python"));
            Map<String, String> environment = new LinkedHashMap<>(platformEnvironment);
            environment.putAll(spec.environmentVariables());
            environment.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            // After the job's own PYTHONPATH: `import mlflow` works without pip; an installed mlflow is loaded instead.
            String given = environment.getOrDefault("PYTHONPATH", System.getenv("PYTHONPATH"));
            environment.put("PYTHONPATH", given == null || given.isBlank() ? pythonPath.toString()
                    : given + ":" + pythonPath);
            environment.put("PYTHONUNBUFFERED", "1");
            outputPaths.forEach((name, path) -> environment.put("AZUREML_OUTPUT_" + name, path));
            String command = spec.resolvedCommand(inputValues, outputPaths);
            log("command: " + command);
            reporter.status(job, JobStatus.RUNNING, Map.of());
            running = backend.launch(lease, new NodeBackend.Launch(List.of("bash", "-c", command), code, environment,
                    logFile));
            if (cancelled) {
                running.kill(config.cancelGrace());
            }
            int exit;
            boolean timedOut = false;
            if (spec.timeout() == null) {
                exit = running.exit().get();
            } else {
                try {
                    exit = running.exit().get(spec.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    timedOut = true;
                    log("limits.timeout of " + spec.timeout().toSeconds() + " s reached; stopping the job");
                    running.kill(config.cancelGrace());
                    exit = running.exit().get();
                }
            }
            details.put("exitCode", exit);
            if (timedOut && !cancelled && !stopping) {
                details.put("error", Map.of("code", "JobTimeout", "message", "The job ran longer than its "
                        + "limits.timeout of " + spec.timeout().toSeconds() + " s and was stopped."));
            } else if (stopping) {
                details.put("error", Map.of("code", "ServiceStopped", "message", "amlite stopped while the job ran; "
                        + "its processes were stopped with it. Submit the job again."));
            } else if (cancelled) {
                outcome = JobStatus.CANCELED;
                log("cancelled; the process tree was stopped");
            } else if (exit == 0) {
                outcome = JobStatus.COMPLETED;
            } else {
                details.put("error", Map.of("code", "UserError", "message", "The command exited with code " + exit
                        + ". The end of its log:\n" + tail(20)));
            }
            reporter.status(job, JobStatus.FINALIZING, Map.of());
            details.put("outputs", storeOutputs(assets, job, outputPaths, this::log));
        } catch (JobFailure e) {
            details.put("error", Map.of("code", e.code, "message", e.getMessage()));
            log(e.getMessage());
        } catch (ArmException e) {
            details.put("error", Map.of("code", e.code().name(), "message", e.getMessage()));
            log(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            details.put("error", Map.of("code", "ServiceStopped", "message", "amlite stopped while the job ran; "
                    + "submit it again."));
        } catch (IOException | java.util.concurrent.ExecutionException | RuntimeException e) {
            LOG.warn("Job {} failed in amlite", job.id(), e);
            details.put("error", Map.of("code", "SystemError", "message", "amlite could not run the job: " + e));
            log("amlite could not run the job: " + e);
        } finally {
            try {
                log("job ended: " + (cancelled ? JobStatus.CANCELED : outcome));
                if (!abandoned) {
                    assets.uploadFile(workspace, "ExperimentRun/dcid." + job.name() + "/user_logs/std_log.txt", logFile);
                }
            } catch (RuntimeException e) {
                LOG.warn("The log of job {} could not be stored: {}", job.id(), e.toString());
            }
            deleteTree(work);
            released.run();
            reporter.status(job, cancelled ? JobStatus.CANCELED : outcome, details);
        }
    }

    private static String resolveInterpreter(String python) {
        if (python.contains("/")) {
            return python;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, python);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "/usr/bin/" + python;
    }

    private static Path onlyFile(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> found = files.filter(Files::isRegularFile).toList();
            return found.size() == 1 ? found.getFirst() : folder;
        }
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> user = new ArrayList<>();
            for (String line : all) {
                if (!line.startsWith("[amlite] ")) {
                    user.add(line);
                }
            }
            return String.join("\n", user.subList(Math.max(0, user.size() - lines), user.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(the log could not be read: " + e.getMessage() + ")";
        }
    }

    /** Where a job's code, inputs and outputs are while it runs. */
    static Path workFolder(JobsConfig config, ResourceId job) {
        return config.root().resolve("work").resolve(Jobs.folder(job.parent())).resolve(job.name());
    }

    /**
     * Stores the outputs that have files (name → local folder) in the workspace's default datastore, below
     * {@code azureml/<job>/<output>}, saying so through {@code log}; returns name → datastore URI.
     */
    static Map<String, String> storeOutputs(Assets assets, ResourceId job, Map<String, String> outputPaths,
                                            java.util.function.Consumer<String> log) throws IOException {
        Map<String, String> stored = new LinkedHashMap<>();
        for (Map.Entry<String, String> output : outputPaths.entrySet()) {
            Path folder = Path.of(output.getValue());
            try (Stream<Path> files = Files.walk(folder)) {
                if (files.noneMatch(Files::isRegularFile)) {
                    continue;
                }
            }
            String uri = assets.upload(job.parent(), folder, "azureml/" + job.name() + "/" + output.getKey());
            stored.put(output.getKey(), uri);
            log.accept("output " + output.getKey() + " stored at " + uri);
        }
        return stored;
    }

    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            LOG.debug("Could not delete all of {}: {}", root, e.toString());
        }
    }

    private static final class JobFailure extends RuntimeException {
        final String code;

        JobFailure(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

}
