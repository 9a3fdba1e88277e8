package dev.amlite.control.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.assets.AssetReference;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command job as its document declares it (CP-2): the command with its {@code ${{inputs.x}}} and
 * {@code ${{outputs.y}}} references, code, environment, compute, inputs (literals, files and folders on
 * datastores, data assets), outputs, environment variables and experiment. Checked when submitted, so that a job
 * that cannot run is refused instead of failing later.
 */
public record JobSpec(String command, String codeId, String environmentId, ResourceId computeId,
                      Map<String, Input> inputs, Map<String, Output> outputs, Map<String, String> environmentVariables,
                      String experimentName, String displayName, java.time.Duration timeout) {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{\\s*(inputs|outputs)\\.([A-Za-z0-9_]+)\\s*}}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");
    private static final Set<String> FILE_TYPES = Set.of("uri_file", "uri_folder", "mltable", "custom_model",
            "mlflow_model", "triton_model");

    /** A literal (value), or files at a URI (a datastore path, or a data asset version's path). */
    public record Input(String type, String value, String uri, String mode) {
        public boolean literal() {
            return type.equals("literal");
        }
    }

    public record Output(String type, String mode, String uri) {
    }

    public static JobSpec parse(ResourceId workspace, JsonNode properties) {
        String jobType = properties.path("jobType").asText("Command");
        if (!jobType.equalsIgnoreCase("Command")) {
            throw new ArmException(ErrorCode.InvalidParameter, "jobType '" + jobType + "' is not supported; amlite "
                    + "runs command jobs (type: command). Pipeline and sweep jobs are not supported yet.");
        }
        String command = properties.path("command").asText("");
        if (command.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "A command job needs a command (e.g. 'python train.py').");
        }
        String code = AssetReference.resolve(workspace, properties.path("codeId").asText(null), "codes", "code", "job");
        String environment = AssetReference.resolve(workspace, properties.path("environmentId").asText(null),
                "environments", "environment", "job");
        if (environment == null) {
            throw new ArmException(ErrorCode.InvalidParameter, "A command job needs an environment "
                    + "(environment: azureml:<name>:<version>, or an inline one with image or conda_file).");
        }
        ResourceId compute = compute(workspace, properties.path("computeId").asText(null));
        Map<String, Input> inputs = new LinkedHashMap<>();
        properties.path("inputs").fields().forEachRemaining(e -> inputs.put(name(e.getKey(), "input"),
                input(workspace, e.getKey(), e.getValue())));
        Map<String, Output> outputs = new LinkedHashMap<>();
        properties.path("outputs").fields().forEachRemaining(e -> outputs.put(name(e.getKey(), "output"),
                output(e.getKey(), e.getValue())));
        Matcher references = REFERENCE.matcher(command);
        while (references.find()) {
            String kind = references.group(1);
            String name = references.group(2);
            if (kind.equals("inputs") ? !inputs.containsKey(name) : !outputs.containsKey(name)) {
                java.util.Set<String> declared = kind.equals("inputs") ? inputs.keySet() : outputs.keySet();
                throw new ArmException(ErrorCode.InvalidParameter, "The command refers to ${{" + kind + "." + name
                        + "}}, but the job has no " + kind.substring(0, kind.length() - 1) + " '" + name + "'; "
                        + (declared.isEmpty() ? "it declares no " + kind + " (add them under '" + kind + ":' in the "
                        + "job YAML)." : "it has " + String.join(", ", declared) + "."));
            }
        }
        if (command.contains("${{") && command.replaceAll(REFERENCE.pattern(), "").contains("${{")) {
            throw new ArmException(ErrorCode.InvalidParameter, "The command has a ${{...}} that is neither "
                    + "${{inputs.<name>}} nor ${{outputs.<name>}}.");
        }
        Map<String, String> variables = new LinkedHashMap<>();
        properties.path("environmentVariables").fields().forEachRemaining(e -> {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ArmException(ErrorCode.InvalidParameter, "Environment variable name '" + e.getKey()
                        + "' is not valid (letters, digits and _, not starting with a digit).");
            }
            variables.put(e.getKey(), e.getValue().asText());
        });
        if (properties.hasNonNull("distribution")) {
            throw new ArmException(ErrorCode.InvalidParameter, "Distributed jobs (distribution) are not supported yet; "
                    + "a job runs one process on one node.");
        }
        JsonNode count = properties.path("resources").path("instanceCount");
        if (!count.isMissingNode() && !count.isNull() && count.asInt(0) != 1) {
            throw new ArmException(ErrorCode.InvalidParameter, "resources.instance_count " + count.asText() + " is not "
                    + "supported: a job runs on one node (instance_count 1).");
        }
        java.time.Duration timeout = null;
        JsonNode limit = properties.path("limits").path("timeout");
        if (!limit.isMissingNode() && !limit.isNull()) {
            try {
                timeout = java.time.Duration.parse(limit.asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new ArmException(ErrorCode.InvalidParameter, "limits.timeout must be an ISO-8601 duration "
                        + "(PT3600S); got '" + limit.asText() + "'.");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ArmException(ErrorCode.InvalidParameter, "limits.timeout must be above zero.");
            }
        }
        return new JobSpec(command, code, environment, compute, Map.copyOf(inputs), outputs, variables,
                properties.path("experimentName").asText("Default"), properties.path("displayName").asText(null),
                timeout);
    }

    /**
     * What {@code requested} changes of this submitted job that cannot change once it is submitted (all but its
     * display name; description and tags are not part of a spec), named as the job's YAML names them. An output's
     * path is left out: amlite fills it in when the job stores its outputs.
     */
    public List<String> unchangeable(JobSpec requested) {
        List<String> changed = new ArrayList<>();
        if (!command.equals(requested.command)) {
            changed.add("command");
        }
        if (!sameId(codeId, requested.codeId)) {
            changed.add("code");
        }
        if (!sameId(environmentId, requested.environmentId)) {
            changed.add("environment");
        }
        if (!computeId.key().equals(requested.computeId.key())) {
            changed.add("compute");
        }
        if (!inputs.equals(requested.inputs)) {
            changed.add("inputs");
        }
        if (!outputKinds(outputs).equals(outputKinds(requested.outputs))) {
            changed.add("outputs");
        }
        if (!environmentVariables.equals(requested.environmentVariables)) {
            changed.add("environment_variables");
        }
        if (!experimentName.equals(requested.experimentName)) {
            changed.add("experiment_name");
        }
        if (!java.util.Objects.equals(timeout, requested.timeout)) {
            changed.add("limits.timeout");
        }
        return changed;
    }

    private static boolean sameId(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

    private static Map<String, String> outputKinds(Map<String, Output> outputs) {
        Map<String, String> kinds = new LinkedHashMap<>();
        outputs.forEach((name, output) -> kinds.put(name, output.type() + "/" + output.mode()));
        return kinds;
    }

    private static String name(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new ArmException(ErrorCode.InvalidParameter, "The " + what + " name '" + name + "' is not valid: "
                    + "letters, digits and _, starting with a letter or _.");
        }
        return name;
    }

    static ResourceId compute(ResourceId workspace, String given) {
        if (given == null || given.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "A command job needs a compute (compute: "
                    + "azureml:<cluster or instance name>); 'amlite ml compute list' shows them.");
        }
        String value = given.startsWith("azureml:") ? given.substring(8) : given;
        if (value.startsWith("/")) {
            ResourceId id = ResourceId.parse(value);
            if (!id.typeKey().equals("microsoft.machinelearningservices/workspaces/computes")
                    || !id.parent().key().equals(workspace.key())) {
                throw new ArmException(ErrorCode.InvalidParameter, "The compute '" + given + "' is not a compute of "
                        + "workspace '" + workspace.name() + "'.");
            }
            return id;
        }
        if (value.equalsIgnoreCase("local") || value.equalsIgnoreCase("serverless")) {
            throw new ArmException(ErrorCode.InvalidParameter, "compute '" + value + "' is not offered; name a "
                    + "cluster or instance of the workspace ('amlite ml compute create').");
        }
        return workspace.child("computes", value);
    }

    private static Input input(ResourceId workspace, String name, JsonNode node) {
        if (!node.isObject()) {
            return new Input("literal", node.asText(), null, null);
        }
        String type = node.path("jobInputType").asText(node.path("type").asText("literal")).toLowerCase(Locale.ROOT);
        if (type.equals("literal") || type.equals("string") || type.equals("integer") || type.equals("number")
                || type.equals("boolean")) {
            if (!node.has("value")) {
                throw new ArmException(ErrorCode.InvalidParameter, "Input '" + name + "' is a literal without a value.");
            }
            return new Input("literal", node.path("value").asText(), null, null);
        }
        if (!FILE_TYPES.contains(type)) {
            throw new ArmException(ErrorCode.InvalidParameter, "Input '" + name + "' has type '" + type + "'; "
                    + "allowed: literal, uri_file, uri_folder, mltable (and model types).");
        }
        String uri = node.path("uri").asText(node.path("path").asText(null));
        if (uri == null || uri.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "Input '" + name + "' (" + type + ") needs a uri: "
                    + "azureml://datastores/<name>/paths/<path>, or azureml:<data asset>:<version>.");
        }
        if (uri.startsWith("azureml:") && !uri.startsWith("azureml://")) {
            uri = AssetReference.resolve(workspace, uri, "data", "data asset", "job");
        } else if (!uri.startsWith("azureml://") && !uri.startsWith("/subscriptions/")) {
            throw new ArmException(ErrorCode.InvalidParameter, "Input '" + name + "' points at '" + uri + "'; amlite "
                    + "reads inputs from datastores (azureml://datastores/<name>/paths/<path>) and data assets "
                    + "(azureml:<name>:<version>). Local paths are uploaded by the CLI.");
        }
        String mode = node.path("mode").asText("ReadOnlyMount");
        return new Input(type, null, uri, mode);
    }

    private static Output output(String name, JsonNode node) {
        String type = node.path("jobOutputType").asText(node.path("type").asText("uri_folder")).toLowerCase(Locale.ROOT);
        if (!List.of("uri_folder", "uri_file", "mltable", "custom_model", "mlflow_model").contains(type)) {
            throw new ArmException(ErrorCode.InvalidParameter, "Output '" + name + "' has type '" + type
                    + "'; allowed: uri_folder, uri_file, mltable, custom_model, mlflow_model.");
        }
        return new Output(type, node.path("mode").asText("ReadWriteMount"), node.path("uri").asText(null));
    }

    /** The command with every reference replaced by the input's value or local path, or the output's folder. */
    public String resolvedCommand(Map<String, String> inputValues, Map<String, String> outputPaths) {
        Matcher matcher = REFERENCE.matcher(command);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = matcher.group(1).equals("inputs") ? inputValues.get(matcher.group(2))
                    : outputPaths.get(matcher.group(2));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
