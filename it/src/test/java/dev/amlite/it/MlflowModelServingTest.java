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
import static org.assertj.core.api.Assertions.within;

/**
 * Azure ML's no-code deployment: an MLflow model (type mlflow_model) deployed with no code_configuration and no
 * environment, scored by amlite's own script for it, on the server and with {@code --local}.
 */
class MlflowModelServingTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path temporary;

    /**
     * A scikit-learn linear model y = 1 + 2·x1 + 3·x2, saved as MLflow 2 saves one: cloudpickle named as the
     * serialization (read by pickle when cloudpickle is absent), a signature, the keys a real MLmodel has.
     */
    Path mlflowModel() throws Exception {
        Path folder = temporary.resolve("linear-model");
        Files.createDirectories(folder);
        Process fit = new ProcessBuilder(PYTHON, "-c", """
                import pickle, sys, numpy
                from sklearn.linear_model import LinearRegression
                X = numpy.array([[0, 0], [1, 0], [0, 1], [1, 1], [2, 3]], dtype=float)
                model = LinearRegression().fit(X, 1 + X @ numpy.array([2.0, 3.0]))
                model.feature_names_in_ = numpy.array(["x1", "x2"], dtype=object)
                pickle.dump(model, open(sys.argv[1], "wb"))
                """, folder.resolve("model.pkl").toString()).redirectErrorStream(true).start();
        assertThat(fit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fit.exitValue()).as(new String(fit.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        Files.writeString(folder.resolve("MLmodel"), """
                artifact_path: model
                flavors:
                  python_function:
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.sklearn
                    model_path: model.pkl
                    predict_fn: predict
                    python_version: 3.11.2
                  sklearn:
                    code: null
                    pickled_model: model.pkl
                    serialization_format: cloudpickle
                    sklearn_version: 1.2.1
                mlflow_version: 2.9.2
                model_size_bytes: 1024
                model_uuid: 0f2c4a7d5e9b4f1c8a3d6e2b7c9f1a4e
                run_id: 3c1e9a
                signature:
                  inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}]'
                  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
                  params: null
                utc_time_created: '2026-12-06 04:00:00.000000'
                """);
        Files.writeString(folder.resolve("conda.yaml"), "dependencies:\n- python=3.11\n- pip:\n  - mlflow\n");
        return folder;
    }

    static double[] predictions(String answer) {
        JsonNode list = Json.parse(answer);
        double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = list.get(i).asDouble();
        }
        return values;
    }

    Path file(String name, String content) throws Exception {
        Path file = temporary.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void anMlflowModelIsServedWithoutScoringScriptOrEnvironment() throws Exception {
        Path model = mlflowModel();
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--python", PYTHON)) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ml", "model", "create", "-n", "linear", "-v", "1", "--type", "mlflow_model", "--path",
                    model.toString(), "-o", "none");
            cli.ok("ml", "online-endpoint", "create", "-n", "mlflow-ep", "-o", "none");
            Path deployment = file("blue.yml", "name: blue\nendpoint_name: mlflow-ep\nmodel: azureml:linear:1\n"
                    + "instance_type: Standard_DS3_v2\ninstance_count: 1\n");
            JsonNode created = Json.parse(cli.ok("ml", "online-deployment", "create", "-f", deployment.toString(),
                    "--all-traffic"));
            assertThat(created.path("provisioning_state").asText()).isEqualTo("Succeeded");
            assertThat(created.has("code_configuration")).isFalse();

            // Azure's MLflow input: a DataFrame split by columns, here in an order of its own, and plain rows.
            Path split = file("split.json", "{\"input_data\": {\"columns\": [\"x2\", \"x1\"], \"index\": [0, 1], "
                    + "\"data\": [[1, 0], [0, 1]]}}");
            assertThat(predictions(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    split.toString()))).containsExactly(new double[] {4.0, 3.0}, within(1e-9));
            Path rows = file("rows.json", "{\"input_data\": [[1, 1], [2, 0]]}");
            assertThat(predictions(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    rows.toString()))).containsExactly(new double[] {6.0, 5.0}, within(1e-9));
            Path records = file("records.json", "{\"dataframe_records\": [{\"x1\": 1, \"x2\": 2}]}");
            assertThat(predictions(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    records.toString()))).containsExactly(new double[] {9.0}, within(1e-9));

            // Input it cannot read: the model's error, named, as for any scoring script that raises.
            Path wrong = file("wrong.json", "{\"input_data\": {\"columns\": [\"x1\"], \"data\": [[1]]}}");
            Cli.Result refused = cli.run("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    wrong.toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("424").contains("lacks the model's features ['x2']");
            Path unknown = file("unknown.json", "{\"rows\": [[1, 2]]}");
            assertThat(cli.run("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    unknown.toString()).err()).contains("has none of input_data");
            assertThat(cli.ok("ml", "online-deployment", "get-logs", "-n", "blue", "-e", "mlflow-ep"))
                    .contains("MLflow model LinearRegression loaded");

            // It scales as any deployment does (the update keeps it without code).
            JsonNode scaled = Json.parse(cli.ok("ml", "online-deployment", "update", "-n", "blue", "-e", "mlflow-ep",
                    "--set", "instance_count=2"));
            assertThat(scaled.path("instance_count").asInt()).isEqualTo(2);
            assertThat(scaled.has("code_configuration")).isFalse();
            assertThat(predictions(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--request-file",
                    rows.toString()))).containsExactly(new double[] {6.0, 5.0}, within(1e-9));

            // Inline in the YAML, as Azure's examples give it; the same folder inline as a custom model with a
            // scoring script first, which must not make the MLflow one a custom model too.
            Path code = temporary.resolve("code");
            Files.createDirectories(code);
            Files.writeString(code.resolve("score.py"), "def init():\n    pass\n\ndef run(raw):\n    return 'custom'\n");
            Files.writeString(temporary.resolve("custom-inline.yml"), "name: custom-inline\nendpoint_name: mlflow-ep\n"
                    + "model:\n  path: linear-model\ncode_configuration:\n  code: code\n  scoring_script: score.py\n"
                    + "instance_type: Standard_DS3_v2\ninstance_count: 1\n");
            cli.ok("ml", "online-deployment", "create", "-f", temporary.resolve("custom-inline.yml").toString(), "-o",
                    "none");
            assertThat(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--deployment-name",
                    "custom-inline", "--request-file", rows.toString())).contains("custom");
            cli.ok("ml", "online-deployment", "delete", "-n", "custom-inline", "-e", "mlflow-ep", "--yes");
            Files.writeString(temporary.resolve("green.yml"), "name: green\nendpoint_name: mlflow-ep\nmodel:\n"
                    + "  path: linear-model\n  type: mlflow_model\ninstance_type: Standard_DS3_v2\n"
                    + "instance_count: 1\n");
            cli.ok("ml", "online-deployment", "create", "-f", temporary.resolve("green.yml").toString(), "-o", "none");
            assertThat(predictions(cli.ok("ml", "online-endpoint", "invoke", "-n", "mlflow-ep", "--deployment-name",
                    "green", "--request-file", rows.toString()))).containsExactly(new double[] {6.0, 5.0},
                    within(1e-9));

            // Only an MLflow model goes without a scoring script, and only one that has its MLmodel file.
            Path plain = temporary.resolve("plain-model");
            Files.createDirectories(plain);
            Files.writeString(plain.resolve("weights.txt"), "1 2 3\n");
            cli.ok("ml", "model", "create", "-n", "plain", "-v", "1", "--path", plain.toString(), "-o", "none");
            Cli.Result custom = cli.run("ml", "online-deployment", "create", "-f", file("custom.yml",
                    "name: custom\nendpoint_name: mlflow-ep\nmodel: azureml:plain:1\ninstance_type: Standard_DS3_v2\n")
                    .toString());
            assertThat(custom.exitCode()).isNotZero();
            assertThat(custom.err()).contains("code_configuration (code and scoring_script) is required")
                    .contains("model 'plain' version '1' is a CustomModel");
            cli.ok("ml", "model", "create", "-n", "notmlflow", "-v", "1", "--type", "mlflow_model", "--path",
                    plain.toString(), "-o", "none");
            Cli.Result noMlmodel = cli.run("ml", "online-deployment", "create", "-f", file("nomlmodel.yml",
                    "name: nomlmodel\nendpoint_name: mlflow-ep\nmodel: azureml:notmlflow:1\n"
                            + "instance_type: Standard_DS3_v2\n").toString());
            assertThat(noMlmodel.exitCode()).isNotZero();
            assertThat(noMlmodel.err()).contains("has no MLmodel file");
            Cli.Result half = cli.run("ml", "online-deployment", "create", "-f", file("half.yml",
                    "name: half\nendpoint_name: mlflow-ep\nmodel: azureml:linear:1\ninstance_type: Standard_DS3_v2\n"
                            + "code_configuration:\n  scoring_script: score.py\n").toString());
            assertThat(half.exitCode()).isNotZero();
            assertThat(half.err()).contains("code_configuration needs both code and scoring_script");
        }
    }

    @Test
    void anMlflowModelIsServedLocallyWithoutAServer() throws Exception {
        mlflowModel();
        Cli offline = new Cli(temporary.resolve("offline-config"));
        offline.ok("ml", "online-endpoint", "create", "--local", "-n", "mlflow-local", "-o", "none");
        Path deployment = file("local.yml", "name: blue\nendpoint_name: mlflow-local\nmodel:\n  path: linear-model\n"
                + "  type: mlflow_model\ninstance_type: Standard_DS3_v2\nproperties:\n  amlite.python: " + PYTHON + "\n");
        try {
            offline.ok("ml", "online-deployment", "create", "--local", "-f", deployment.toString(), "-o", "none");
            Path rows = file("rows.json", "{\"input_data\": [[1, 1]]}");
            assertThat(predictions(offline.ok("ml", "online-endpoint", "invoke", "--local", "-n", "mlflow-local",
                    "--request-file", rows.toString()))).containsExactly(new double[] {6.0},
                    within(1e-9));
            Path bare = temporary.resolve("bare");
            Files.createDirectories(bare);
            Cli.Result refused = offline.run("ml", "online-deployment", "create", "--local", "-f", file("bare.yml",
                    "name: green\nendpoint_name: mlflow-local\nmodel:\n  path: bare\n  type: mlflow_model\n")
                    .toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("has no MLmodel file");
        } finally {
            offline.run("ml", "online-endpoint", "delete", "--local", "-n", "mlflow-local", "--yes");
        }
    }
}
