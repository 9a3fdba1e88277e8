package dev.amlite.runtime.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The Python files this module ships, and the one way they are written out where a process runs them: the server's
 * deployments and jobs, and the CLI's {@code --local} deployments.
 */
public final class RuntimeFiles {
    /** The inference server a deployment's instances run. */
    public static final String SERVER = "amlite_inference_server.py";
    /** The scoring script of an MLflow model deployed without one (Azure ML's no-code deployment). */
    public static final String MLFLOW_SCRIPT = "amlite_mlflow_score.py";
    /** The {@code mlflow} package jobs import when no real one is installed. */
    public static final List<String> MLFLOW_PACKAGE = List.of("mlflow/__init__.py", "mlflow/_client.py",
            "mlflow/sklearn.py");
    private static final String ROOT = "/dev/amlite/runtime/python/";

    private RuntimeFiles() {
    }

    /**
     * Writes the shipped file {@code name} (a path below this module's folder, such as {@link #SERVER}) to
     * {@code directory}/{@code name}, replacing an older copy in one step (a process starting meanwhile reads the
     * old one or the new one, never half of one), and returns where it is.
     */
    public static Path write(String name, Path directory) {
        Path target = directory.resolve(name);
        try (InputStream in = RuntimeFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("runtime-python's " + name + " is missing from this build of amlite.");
            }
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), ".runtime", ".py");
            try {
                Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
