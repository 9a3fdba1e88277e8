package dev.amlite.control.jobs;

import dev.amlite.runtime.python.RuntimeFiles;
import java.nio.file.Path;

/**
 * amlite's stdlib-only MLflow client for jobs (runtime-python's {@code mlflow} package): training scripts written for
 * Azure ML call {@code mlflow.log_metric}, {@code mlflow.sklearn.log_model} and so on, and there is no pip here.
 */
final class MlflowClient {
    private MlflowClient() {
    }

    /** Writes the package into {@code folder}/mlflow and returns {@code folder}, for the job's PYTHONPATH. */
    static Path writeTo(Path folder) {
        RuntimeFiles.MLFLOW_PACKAGE.forEach(file -> RuntimeFiles.write(file, folder));
        return folder;
    }
}
