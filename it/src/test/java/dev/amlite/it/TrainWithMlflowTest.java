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
 * {@code mlflow.sklearn.log_model} with a registered name) runs as a job with nothing installed by pip; its model
 * is then registered from the run and deployed without a scoring script, as the tutorials go on.
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

            // The tutorial's next step: the run's model registered in the workspace (az ml's job paths and MLflow's
            // runs:/ URI) and deployed with no scoring script.
            JsonNode fromRun = Json.parse(cli.ok("ml", "model", "create", "-n", "iris", "-v", "1", "--type",
                    "mlflow_model", "--path", "azureml://jobs/iris1/outputs/artifacts/paths/iris_classifier/"));
            assertThat(fromRun.path("path").asText()).contains("/paths/").endsWith("/iris1/artifacts/iris_classifier");
            cli.ok("ml", "model", "create", "-n", "iris", "-v", "2", "--type", "mlflow_model", "--path",
                    "runs:/iris1/iris_classifier", "-o", "none");
            cli.ok("ml", "model", "create", "-n", "iris-output", "-v", "1", "--type", "mlflow_model", "--path",
                    "azureml://jobs/iris1/outputs/model/paths/trained_model", "-o", "none");
            Path fetched = temporary.resolve("fetched");
            cli.ok("ml", "model", "download", "-n", "iris", "-v", "2", "--download-path", fetched.toString());
            assertThat(fetched.resolve("iris")).isNotEmptyDirectory();
            Cli.Result noOutput = cli.run("ml", "model", "create", "-n", "nope", "-v", "1", "--path",
                    "azureml://jobs/iris1/outputs/weights");
            assertThat(noOutput.exitCode()).isNotZero();
            assertThat(noOutput.err()).contains("Job 'iris1' has no stored output 'weights'; it has [model]");
            assertThat(cli.run("ml", "model", "create", "-n", "nope", "-v", "1", "--path", "runs:/absent-job/model")
                    .err()).contains("absent-job");

            cli.ok("ml", "online-endpoint", "create", "-n", "iris-ep", "-o", "none");
            Path deployment = temporary.resolve("iris-deployment.yml");
            Files.writeString(deployment, "name: blue\nendpoint_name: iris-ep\nmodel: azureml:iris@latest\n"
                    + "instance_type: Standard_DS3_v2\ninstance_count: 1\n");
            cli.ok("ml", "online-deployment", "create", "-f", deployment.toString(), "--all-traffic", "-o", "none");
            Path request = temporary.resolve("iris-request.json");
            Files.writeString(request, "{\"input_data\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}");
            JsonNode classes = Json.parse(cli.ok("ml", "online-endpoint", "invoke", "-n", "iris-ep",
                    "--request-file", request.toString()));
            assertThat(classes.get(0).asInt()).isZero();
            assertThat(classes.get(1).asInt()).isEqualTo(2);
        }
    }
}
