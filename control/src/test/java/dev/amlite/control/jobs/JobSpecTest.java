package dev.amlite.control.jobs;

import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSpecTest {
    private static final ResourceId WORKSPACE = ResourceId.parse("/subscriptions/s/resourceGroups/g/providers/"
            + "Microsoft.MachineLearningServices/workspaces/w");

    private static JobSpec parse(String json) {
        return JobSpec.parse(WORKSPACE, Json.parse(json));
    }

    @Test
    void referencesAreReplacedByValuesAndPaths() {
        JobSpec spec = parse("""
                {"command":"python train.py --data ${{inputs.data}} --lr ${{ inputs.lr }} --out ${{outputs.model}}",
                 "environmentId":"azureml:env:1","computeId":"azureml:cpu-cluster","codeId":"azureml:code:2",
                 "inputs":{"data":{"jobInputType":"uri_folder","uri":"azureml://datastores/workspaceblobstore/paths/d"},
                           "lr":{"jobInputType":"literal","value":"0.01"}},
                 "outputs":{"model":{"jobOutputType":"uri_folder"}}}""");
        assertThat(spec.computeId().id()).isEqualTo(WORKSPACE.id() + "/computes/cpu-cluster");
        assertThat(spec.environmentId()).isEqualTo(WORKSPACE.id() + "/environments/env/versions/1");
        assertThat(spec.codeId()).isEqualTo(WORKSPACE.id() + "/codes/code/versions/2");
        assertThat(spec.experimentName()).isEqualTo("Default");
        assertThat(spec.resolvedCommand(Map.of("data", "/work/in/data", "lr", "0.01"), Map.of("model", "/work/out/model")))
                .isEqualTo("python train.py --data /work/in/data --lr 0.01 --out /work/out/model");
    }

    @Test
    void aSubmissionAgainDiffersOnlyInWhatItChangesNotInHowItNamesThings() {
        JobSpec stored = parse("""
                {"command":"python train.py --out ${{outputs.model}}","displayName":"first",
                 "environmentId":"/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/environments/env/versions/1",
                 "computeId":"/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/computes/cpu",
                 "outputs":{"model":{"jobOutputType":"uri_folder","mode":"ReadWriteMount","uri":"azureml://datastores/workspaceblobstore/paths/out"}}}""");
        String again = """
                {"command":"python train.py --out ${{outputs.model}}","displayName":"second",
                 "environmentId":"azureml:env:1","computeId":"azureml:cpu",
                 "outputs":{"model":{"jobOutputType":"uri_folder","mode":"ReadWriteMount"}}}""";
        assertThat(stored.unchangeable(parse(again))).as("short names, a new display name, no output path yet")
                .isEmpty();
        assertThat(stored.unchangeable(parse(again.replace("train.py", "eval.py").replace("azureml:cpu", "azureml:gpu")
                .replace("\"displayName\"", "\"environmentVariables\":{\"A\":\"1\"},\"displayName\""))))
                .containsExactly("command", "compute", "environment_variables");
        assertThat(stored.unchangeable(parse(again.replace("azureml:env:1", "azureml:env:2")
                .replace("\"uri_folder\"", "\"uri_file\""))))
                .containsExactly("environment", "outputs");
    }

    @Test
    void aJobThatCannotRunIsRefusedBeforeItIsStored() {
        assertThatThrownBy(() -> parse("{\"command\":\"echo ${{inputs.x}}\",\"environmentId\":\"azureml:e:1\","
                + "\"computeId\":\"c1\"}")).hasMessageContaining("has no input 'x'; it declares no inputs");
        assertThatThrownBy(() -> parse("{\"command\":\"echo ${{inputs.x}}\",\"environmentId\":\"azureml:e:1\","
                + "\"computeId\":\"c1\",\"inputs\":{\"a\":{\"jobInputType\":\"literal\",\"value\":\"1\"},"
                + "\"b\":{\"jobInputType\":\"literal\",\"value\":\"2\"}}}"))
                .hasMessageContaining("has no input 'x'; it has a, b.");
        assertThatThrownBy(() -> parse("{\"command\":\"echo ${{search_space.x}}\",\"environmentId\":\"azureml:e:1\","
                + "\"computeId\":\"c1\"}")).hasMessageContaining("neither");
        assertThatThrownBy(() -> parse("{\"command\":\"echo\",\"computeId\":\"c1\"}")).hasMessageContaining("environment");
        assertThatThrownBy(() -> parse("{\"command\":\"echo\",\"environmentId\":\"azureml:e:1\"}"))
                .hasMessageContaining("needs a compute");
        assertThatThrownBy(() -> parse("{\"command\":\"\",\"environmentId\":\"azureml:e:1\",\"computeId\":\"c1\"}"))
                .hasMessageContaining("needs a command");
        assertThatThrownBy(() -> parse("{\"command\":\"echo\",\"environmentId\":\"azureml:e:1\",\"computeId\":\"c1\","
                + "\"inputs\":{\"d\":{\"jobInputType\":\"uri_file\",\"uri\":\"/etc/passwd\"}}}"))
                .hasMessageContaining("datastores");
        assertThatThrownBy(() -> parse("{\"command\":\"echo\",\"environmentId\":\"azureml:e:1\",\"computeId\":\"c1\","
                + "\"environmentVariables\":{\"1BAD\":\"x\"}}")).hasMessageContaining("1BAD");
        assertThatThrownBy(() -> parse("{\"jobType\":\"Pipeline\",\"command\":\"echo\"}"))
                .hasMessageContaining("Pipeline");
    }
}
