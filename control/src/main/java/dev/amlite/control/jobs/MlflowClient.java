package dev.amlite.control.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * amlite's stdlib-only MLflow client for jobs (runtime-python's {@code mlflow} package): training scripts written for
 * Azure ML call {@code mlflow.log_metric}, {@code mlflow.sklearn.log_model} and so on, and there is no pip here.
 */
final class MlflowClient {
    private static final String RESOURCES = "/dev/amlite/runtime/python/mlflow/";
    private static final List<String> FILES = List.of("__init__.py", "_client.py", "sklearn.py");

    private MlflowClient() {
    }

    /** Writes the package into {@code folder}/mlflow and returns {@code folder}, for the job's PYTHONPATH. */
    static Path writeTo(Path folder) throws IOException {
        Path target = Files.createDirectories(folder.resolve("mlflow"));
        for (String file : FILES) {
            try (InputStream in = MlflowClient.class.getResourceAsStream(RESOURCES + file)) {
                if (in == null) {
                    throw new IOException("amlite's MLflow client is missing from the jar (" + RESOURCES + file + ")");
                }
                Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return folder;
    }
}
