package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official MLflow Java client ({@code org.mlflow:mlflow-client}) against a workspace's tracking URI. The server
 * runs plain HTTP on loopback here so that the client's own HTTP stack needs no trust configuration; the TLS path is
 * what the job and CLI tests use.
 */
class MlflowClientTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static MlflowClient client;
    static Cli cli;
    static String trackingUri;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"), "--http");
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        trackingUri = Json.parse(cli.ok("ml", "workspace", "show", "-n", "mlw")).path("mlflow_tracking_uri").asText();
        token = server.adminToken();
        client = new MlflowClient(new BasicMlflowHostCreds(trackingUri, token));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void experimentsRunsMetricsParamsAndTagsRoundTrip() {
        String experiment = client.createExperiment("java-client");
        assertThat(client.getExperimentByName("java-client").orElseThrow().getExperimentId()).isEqualTo(experiment);
        Service.RunInfo run = client.createRun(experiment);
        client.logParam(run.getRunId(), "alpha", "0.5");
        client.setTag(run.getRunId(), "team", "ml");
        for (int step = 0; step < 5; step++) {
            client.logMetric(run.getRunId(), "rmse", 1.0 / (step + 1), 1000 + step, step);
        }
        List<Service.Metric> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(Service.Metric.newBuilder().setKey("batch").setValue(i).setTimestamp(i).setStep(i).build());
        }
        client.logBatch(run.getRunId(), batch, List.of(), List.of());
        client.setTerminated(run.getRunId(), Service.RunStatus.FINISHED);

        Service.Run stored = client.getRun(run.getRunId());
        assertThat(stored.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
        assertThat(stored.getInfo().getEndTime()).isPositive();
        assertThat(stored.getData().getParamsList()).extracting(Service.Param::getKey, Service.Param::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", "0.5"));
        assertThat(stored.getData().getTagsList()).extracting(Service.RunTag::getKey).contains("team");
        assertThat(stored.getData().getMetricsList()).filteredOn(m -> m.getKey().equals("rmse"))
                .extracting(Service.Metric::getValue).containsExactly(0.2);
        assertThat(client.getMetricHistory(run.getRunId(), "batch")).hasSize(1000);
        assertThat(client.searchRuns(List.of(experiment), "tags.team = 'ml'")).extracting(Service.RunInfo::getRunId)
                .containsExactly(run.getRunId());

        assertThatThrownBy(() -> client.logParam(run.getRunId(), "alpha", "0.6"))
                .isInstanceOf(MlflowClientException.class).hasMessageContaining("Changing param values is not allowed");
        List<Service.Metric> tooMany = new ArrayList<>(batch);
        tooMany.add(batch.getFirst());
        assertThatThrownBy(() -> client.logBatch(run.getRunId(), tooMany, List.of(), List.of()))
                .hasMessageContaining("at most 1000 metrics");
        assertThatThrownBy(() -> client.createExperiment("java-client")).hasMessageContaining("already exists");
    }

    @Test
    void registeredModelsAndVersions() throws Exception {
        Service.RunInfo run = client.createRun();
        client.sendPost("registered-models/create", "{\"name\":\"iris\"}");
        client.sendPost("model-versions/create", "{\"name\":\"iris\",\"source\":\"runs:/" + run.getRunId()
                + "/model\",\"run_id\":\"" + run.getRunId() + "\"}");
        client.sendPost("model-versions/create", "{\"name\":\"iris\",\"source\":\"runs:/" + run.getRunId() + "/model2\"}");
        client.sendPost("model-versions/transition-stage", "{\"name\":\"iris\",\"version\":\"1\",\"stage\":\"Production\"}");
        ModelRegistry.RegisteredModel model = client.getRegisteredModel("iris");
        assertThat(model.getName()).isEqualTo("iris");
        assertThat(client.getModelVersion("iris", "2").getSource()).endsWith("/model2");
        assertThat(client.getLatestVersions("iris", List.of("Production"))).extracting(ModelRegistry.ModelVersion::getVersion)
                .containsExactly("1");
        assertThat(client.getModelVersionDownloadUri("iris", "1")).isEqualTo("runs:/" + run.getRunId() + "/model");
        assertThat(client.searchModelVersions("name = 'iris'").getItems()).hasSize(2);
    }

    @Test
    void theTrackingServerNeedsAValidTokenAndTheRightRole() throws Exception {
        MlflowClient anonymous = new MlflowClient(new BasicMlflowHostCreds(trackingUri));
        assertThatThrownBy(anonymous::searchExperiments).hasMessageContaining("Authorization header is missing");
        MlflowClient forged = new MlflowClient(new BasicMlflowHostCreds(trackingUri, token.substring(0, token.length() - 4)
                + "AAAA"));
        assertThatThrownBy(forged::searchExperiments).hasMessageContaining("401");
        TestServer.Answer status = server.call("GET", trackingUri.substring(server.url().length())
                + "/api/2.0/mlflow/experiments/search?max_results=5", token, (String) null);
        assertThat(status.status()).isEqualTo(200);
        JsonNode experiments = status.body().path("experiments");
        assertThat(experiments.findValuesAsText("name")).contains("Default");
    }

    @Test
    void aWorkspaceMadeAgainUnderAnOldNameStartsWithoutTheOldRuns() {
        cli.ok("ml", "workspace", "create", "-n", "again", "-g", "rg1", "-o", "none");
        String uri = Json.parse(cli.ok("ml", "workspace", "show", "-n", "again")).path("mlflow_tracking_uri").asText();
        MlflowClient first = new MlflowClient(new BasicMlflowHostCreds(uri, token));
        first.createExperiment("old-work");
        assertThat(first.getExperimentByName("old-work")).isPresent();
        cli.ok("ml", "workspace", "delete", "-n", "again", "-g", "rg1", "--permanently-delete", "--yes");
        cli.ok("ml", "workspace", "create", "-n", "again", "-g", "rg1", "-o", "none");
        MlflowClient second = new MlflowClient(new BasicMlflowHostCreds(uri, token));
        assertThat(second.getExperimentByName("old-work")).isEmpty();
        assertThat(second.searchExperiments().getItems()).extracting(Service.Experiment::getName).containsExactly("Default");
    }

    @Test
    void mlflowsLimitsAreEnforcedWith400AndReadersCannotWrite() throws Exception {
        String api = trackingUri.substring(server.url().length()) + "/api/2.0/mlflow/";
        String runId = server.call("POST", api + "runs/create", token, "{\"experiment_id\":\"0\"}").body()
                .path("run").path("info").path("run_id").asText();
        StringBuilder params = new StringBuilder();
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            params.append(i == 0 ? "" : ",").append("{\"key\":\"p").append(i).append("\",\"value\":\"v\"}");
            tags.append(i == 0 ? "" : ",").append("{\"key\":\"t").append(i).append("\",\"value\":\"v\"}");
        }
        TestServer.Answer tooManyParams = server.call("POST", api + "runs/log-batch", token,
                "{\"run_id\":\"" + runId + "\",\"params\":[" + params + "]}");
        assertThat(tooManyParams.status()).isEqualTo(400);
        assertThat(tooManyParams.body().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(tooManyParams.body().path("message").asText()).contains("at most 100 params");
        TestServer.Answer tooManyTags = server.call("POST", api + "runs/log-batch", token,
                "{\"run_id\":\"" + runId + "\",\"tags\":[" + tags + "]}");
        assertThat(tooManyTags.status()).isEqualTo(400);
        assertThat(tooManyTags.body().path("message").asText()).contains("at most 100 tags");
        String big = "x".repeat(1_100_000);
        TestServer.Answer tooLarge = server.call("POST", api + "runs/set-tag", token,
                "{\"run_id\":\"" + runId + "\",\"key\":\"k\",\"value\":\"" + big + "\"}");
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(client.getRun(runId).getData().getParamsCount()).as("nothing of a refused batch is kept").isZero();

        cli.ok("ad", "user", "create", "--display-name", "Rita", "--user-principal-name", "rita@contoso.com",
                "--password", "Rita-pa55word", "-o", "none");
        cli.ok("role", "assignment", "create", "--assignee", "rita@contoso.com", "--role", "Reader", "--scope",
                "/subscriptions/" + server.subscriptionId(), "-o", "none");
        String reader = server.token("rita@contoso.com", "Rita-pa55word");
        assertThat(server.call("GET", api + "runs/get?run_id=" + runId, reader, (String) null).status()).isEqualTo(200);
        TestServer.Answer denied = server.call("POST", api + "runs/log-parameter", reader,
                "{\"run_id\":\"" + runId + "\",\"key\":\"a\",\"value\":\"b\"}");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().path("error_code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(denied.body().path("message").asText()).contains("experiments/runs/write");
    }
}
