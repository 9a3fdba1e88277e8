package dev.amlite.control.jobs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The job's built-in {@code mlflow} package: used where no mlflow is installed, out of the way where one is. */
class MlflowClientTest {
    @TempDir
    Path temporary;

    private String python(Path pythonPath, String code) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", pythonPath.toString());
        builder.environment().remove("MLFLOW_TRACKING_URI");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void withoutAnInstalledMlflowTheBuiltInOneIsImported() throws Exception {
        Path folder = MlflowClient.writeTo(temporary.resolve("shim"));
        String output = python(folder, "import mlflow, mlflow.sklearn; print(mlflow.__file__); "
                + "print(callable(mlflow.log_metric), callable(mlflow.sklearn.log_model))");
        assertThat(output).startsWith(folder.resolve("mlflow").toString()).endsWith("True True");
    }

    @Test
    void anInstalledMlflowLaterOnThePathIsImportedInstead() throws Exception {
        Path folder = MlflowClient.writeTo(temporary.resolve("shim"));
        Path site = Files.createDirectories(temporary.resolve("site").resolve("mlflow"));
        Files.writeString(site.resolve("__init__.py"), "REAL = True\n");
        Files.writeString(site.resolve("sklearn.py"), "FLAVOUR = 'real'\n");
        // The installed one comes after the job's PYTHONPATH, as site-packages does.
        String output = python(folder, "import sys; sys.path.append('" + temporary.resolve("site") + "'); "
                + "import mlflow, mlflow.sklearn; print(mlflow.REAL, mlflow.sklearn.FLAVOUR, mlflow.__file__)");
        assertThat(output).isEqualTo("True real " + site.resolve("__init__.py"));
    }

    @Test
    void savedModelsFollowMlflowsLayoutAndAFullFolderIsRefused() throws Exception {
        Path folder = MlflowClient.writeTo(temporary.resolve("shim"));
        Path model = temporary.resolve("model");
        String output = python(folder, "import mlflow.sklearn as s\n"
                + "s.save_model({'weights': [1, 2]}, '" + model + "')\n"
                + "print(s.load_model('" + model + "'))\n"
                + "try:\n    s.save_model({}, '" + model + "')\nexcept Exception as e:\n    print(type(e).__name__, e)\n");
        assertThat(output).contains("{'weights': [1, 2]}")
                .contains("MlflowException Path '" + model + "' already exists and is not empty");
        assertThat(Files.readString(model.resolve("MLmodel"))).contains("loader_module: mlflow.sklearn")
                .contains("pickled_model: model.pkl");
    }
}
