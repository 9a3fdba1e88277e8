package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/train-with-mlflow: a training script as Azure ML's tutorials write it (scikit-learn, {@code import mlflow},
 * {@code mlflow.sklearn.log_model} with a registered name) runs as a job with nothing installed by pip.
 */
class TrainWithMlflowTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path temporary;

    @Test
    void aTutorialTrainingScriptLogsRegistersAndWritesItsModel() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--python", PYTHON)) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "compute", "create", "-n", "cpu-cluster", "--type", "amlcompute", "--size", "Standard_DS3_v2",
                    "--max-instances", "1", "-o", "none");
            Cli.Result run = cli.run("ml", "job", "create", "-f",
                    Cli.root().resolve("examples/train-with-mlflow/job.yml").toString(), "-n", "iris1", "--stream");
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("Registering the model via MLflow").contains("Status: Completed")
                    .contains("amlite's built-in MLflow client does not autolog");

            JsonNode job = Json.parse(cli.ok("ml", "job", "show", "-n", "iris1"));
            assertThat(job.path("metrics").path("accuracy").asDouble()).isGreaterThan(0.8);
            assertThat(job.path("metrics").path("num_samples").asDouble()).isEqualTo(150.0);
            assertThat(job.path("params").path("C").asText()).isEqualTo("0.5");

            // The model version the script registered, made from the run's artifacts.
            String tracking = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("mlflow_tracking_uri")
                    .asText();
            String api = tracking.substring(server.url().length()) + "/api/2.0/mlflow/";
            JsonNode versions = server.call("GET", api + "model-versions/search?filter=" + java.net.URLEncoder.encode(
                    "name='iris_classifier'", StandardCharsets.UTF_8), server.adminToken(), (String) null).body()
                    .path("model_versions");
            assertThat(versions).hasSize(1);
            assertThat(versions.get(0).path("run_id").asText()).isEqualTo("iris1");
            assertThat(versions.get(0).path("source").asText()).endsWith("/iris1/artifacts/iris_classifier");

            // Downloaded as az ml lays it out: the output, and the run's artifacts beside its logs.
            Path downloads = temporary.resolve("downloads");
            cli.ok("ml", "job", "download", "-n", "iris1", "--download-path", downloads.toString());
            Path job1 = downloads.resolve("iris1");
            assertThat(job1.resolve("named-outputs/model/trained_model/MLmodel")).content()
                    .contains("sklearn:").contains("pickled_model: model.pkl");
            assertThat(job1.resolve("artifacts/classification_report.txt")).content().contains("precision");
            assertThat(job1.resolve("artifacts/iris_classifier/MLmodel")).exists();
            assertThat(job1.resolve("artifacts/user_logs/std_log.txt")).content().contains("accuracy");

            // The written model is a real one: it classifies a setosa.
            Process predict = new ProcessBuilder(PYTHON, "-c", "import pickle; m = pickle.load(open('"
                    + job1.resolve("named-outputs/model/trained_model/model.pkl") + "', 'rb')); "
                    + "print(int(m.predict([[5.1, 3.5, 1.4, 0.2]])[0]))").redirectErrorStream(true).start();
            assertThat(predict.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(predict.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo("0");
        }
    }
}
