package dev.amlite.control.endpoints;

import dev.amlite.control.FileTrees;
import dev.amlite.control.assets.Assets;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.runtime.python.RuntimeFiles;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.serving.runtime.JavaRuntime;
import dev.amlite.serving.runtime.PythonRuntime;
import dev.amlite.serving.supervisor.DeploymentInstances;
import dev.amlite.serving.supervisor.InstanceSpec;
import dev.amlite.serving.supervisor.InstanceStartException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where deployments run: lays out a deployment's model and code files as Azure does (the model below
 * AZUREML_MODEL_DIR, the code as the app root), starts its instances, and scales or rolls them when the
 * deployment changes. One {@link DeploymentRuntime} per deployment, kept by ARM id.
 */
final class ServingHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingHost.class);
    private static final Duration MAX_BACK_OFF = Duration.ofSeconds(30);
    private static final String RUNTIME_FOLDER = "runtime";
    private final ServingConfig config;
    private final Assets assets;
    private final MeterRegistry meters;
    private final EventLoops loops;
    private final HttpClient probes = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, DeploymentRuntime> runtimes = new ConcurrentHashMap<>();
    private final Map<String, PythonRuntime> pythons = new ConcurrentHashMap<>();
    private final JavaRuntime java = JavaRuntime.ofThisProcess();

    ServingHost(ServingConfig config, Assets assets, EventLoops loops, MeterRegistry meters) {
        this.config = config;
        this.loops = loops;
        this.assets = assets;
        this.meters = meters;
    }

    DeploymentRuntime runtime(ResourceId deployment) {
        return runtimes.get(key(deployment));
    }

    /**
     * Removes the deployment folders (copies of models and code) that an earlier server left: one killed without a
     * clean stop never removed them, and each restart lays out new ones, so they would pile up a model's size per
     * crash. Only folders made before {@code startedAt}, taken before this server lays out any, go; the runtimes'
     * shared folder stays.
     */
    int removeLeftovers(java.time.Instant startedAt) {
        int removed = 0;
        try {
            for (Path folder : FileTrees.folders(config.root())) {
                if (folder.getFileName().toString().equals(RUNTIME_FOLDER)
                        || !Files.getLastModifiedTime(folder).toInstant().isBefore(startedAt)) {
                    continue;
                }
                delete(folder);
                removed++;
            }
        } catch (IOException e) {
            LOG.warn("Could not look for deployment folders left by an earlier server: {}", e.toString());
        }
        if (removed > 0) {
            LOG.info("Removed {} deployment folder(s) an earlier server left behind", removed);
        }
        return removed;
    }

    /** The ids (lower-case) of the deployments with a runtime here now. */
    Set<String> hostedIds() {
        return Set.copyOf(runtimes.keySet());
    }

    private static String key(ResourceId deployment) {
        return deployment.id().toLowerCase(Locale.ROOT);
    }

    /**
     * Makes the deployment run {@code spec}: the first start, a scale (only the count changed), or a rolling
     * update (new instances ready before the old ones stop). Blocks until done; a failure to start leaves what
     * ran before in service and throws the instance's own error.
     */
    void apply(ResourceId deployment, DeploymentSpec spec) throws InterruptedException {
        DeploymentRuntime runtime = runtimes.computeIfAbsent(key(deployment),
                k -> new DeploymentRuntime(deployment.parent().name(), deployment.name(), loops, meters));
        synchronized (runtime) {
            DeploymentRuntime.Generation running = runtime.current();
            try {
                if (running != null && running.spec().sameExceptCount(spec)) {
                    runtime.scale(spec);
                    return;
                }
                runtime.switchTo(start(deployment, spec, runtime));
                if (running != null) {
                    delete(running.directory());
                }
                if (runtimes.get(key(deployment)) != runtime) {
                    // Deleted (the deployment or its endpoint) while its instances started: they must not stay.
                    DeploymentRuntime.Generation started = runtime.current();
                    runtime.close();
                    if (started != null) {
                        delete(started.directory());
                    }
                    throw new ArmException(ErrorCode.Conflict, "Deployment '" + deployment.name() + "' was deleted "
                            + "while it started.");
                }
            } catch (ArmException e) {
                runtime.failed(e);
                throw e;
            } catch (InstanceStartException e) {
                runtime.failed(e);
                throw new ArmException(ErrorCode.ResourceNotReady, "Deployment '" + deployment.name() + "' could not "
                        + "start: " + e.getMessage() + (running != null ? "\nThe previous version of the deployment "
                        + "keeps serving." : "") + "\n'amlite ml online-deployment get-logs -n " + deployment.name()
                        + " -e " + deployment.parent().name() + "' shows the instance's output.");
            }
        }
    }

    private DeploymentRuntime.Generation start(ResourceId deployment, DeploymentSpec spec, DeploymentRuntime runtime)
            throws InstanceStartException, InterruptedException {
        Path directory = config.root().resolve(safe(deployment.parent().parent().name()) + "-"
                + safe(deployment.parent().name()) + "-" + safe(deployment.name()) + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        ResourceId model = ResourceId.parse(spec.model());
        Path modelDir = directory.resolve("azureml-models").resolve(model.parent().name()).resolve(model.name());
        Path codeDir = directory.resolve("code");
        String script = spec.servesMlflowModel() ? RuntimeFiles.MLFLOW_SCRIPT : spec.scoringScript();
        try {
            Files.createDirectories(modelDir);
            Files.createDirectories(codeDir);
            int modelFiles = assets.copyFiles(model, modelDir, true);
            if (spec.servesMlflowModel()) {
                requireMlmodel(modelDir, model);
                RuntimeFiles.write(RuntimeFiles.MLFLOW_SCRIPT, codeDir);
                LOG.info("Deployment {}: {} model file(s) of an MLflow model laid out in {}", deployment.id(),
                        modelFiles, directory);
            } else {
                int codeFiles = assets.copyFiles(ResourceId.parse(spec.code()), codeDir, false);
                LOG.info("Deployment {}: {} model and {} code file(s) laid out in {}", deployment.id(), modelFiles,
                        codeFiles, directory);
            }
            if (!JavaRuntime.isJava(script) && !Files.isRegularFile(codeDir.resolve(script))) {
                throw new ArmException(ErrorCode.InvalidParameter, "The scoring script '" + script
                        + "' is not in the code folder of deployment '" + deployment.name() + "'.");
            }
        } catch (IOException e) {
            delete(directory);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            delete(directory);
            throw e;
        }
        InstanceSpec instanceSpec = JavaRuntime.isJava(script)
                ? java.instance(codeDir, script, modelDir, spec.environmentVariables(),
                        spec.maxConcurrentRequests(), spec.readiness(), spec.liveness())
                : python(spec.interpreter() != null ? spec.interpreter() : config.python()).instance(codeDir,
                        script, modelDir, spec.environmentVariables(), spec.maxConcurrentRequests(),
                        spec.readiness(), spec.liveness());
        DeploymentInstances instances = new DeploymentInstances(deployment.name(), instanceSpec, probes,
                config.startTimeout(), MAX_BACK_OFF);
        try {
            instances.scaleTo(spec.instanceCount());
        } catch (InstanceStartException | InterruptedException | RuntimeException e) {
            instances.close();
            delete(directory);
            throw e;
        }
        return new DeploymentRuntime.Generation(spec, directory, instances);
    }

    /** An MLflow model served without a scoring script must be one: an MLmodel file among its files. */
    private static void requireMlmodel(Path modelDir, ResourceId model) throws IOException {
        try (var files = Files.walk(modelDir)) {
            if (files.noneMatch(file -> file.getFileName().toString().equals("MLmodel"))) {
                throw new ArmException(ErrorCode.InvalidParameter, "Model '" + model.parent().name() + "' version '"
                        + model.name() + "' is registered as an MLflow model but has no MLmodel file, so it cannot "
                        + "be served without a scoring script: register the folder MLflow saved (mlflow.sklearn."
                        + "save_model), or deploy it with code_configuration.");
            }
        }
    }

    private PythonRuntime python(String interpreter) {
        return pythons.computeIfAbsent(interpreter, i -> PythonRuntime.install(i, config.root().resolve(RUNTIME_FOLDER)));
    }

    /** Stops a deployment's instances and removes its files. */
    void remove(ResourceId deployment) {
        DeploymentRuntime runtime = runtimes.remove(key(deployment));
        if (runtime != null) {
            DeploymentRuntime.Generation running = runtime.current();
            runtime.close();
            if (running != null) {
                delete(running.directory());
            }
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9-]", "_");
    }

    private static void delete(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            LOG.warn("Could not delete all of {}: {}", directory, e.toString());
        }
    }

    @Override
    public void close() {
        runtimes.keySet().forEach(id -> remove(ResourceId.parse(id)));
    }
}
