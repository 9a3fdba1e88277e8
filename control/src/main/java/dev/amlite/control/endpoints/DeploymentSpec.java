package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.serving.supervisor.Probe;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a deployment runs, read from its ARM document (EP-2) and checked: the model, code and scoring script,
 * environment, instance type and count, request settings and probes. Instances are started from this.
 *
 * @param model        ARM id of the model version
 * @param code         ARM id of the code version, or null (with {@code scoringScript}) for an MLflow model served
 *                     as it is, by runtime-python's MLflow scoring script
 * @param interpreter  the Python interpreter, or null for the server's default
 */
record DeploymentSpec(String model, String code, String scoringScript, String environment,
                      Map<String, String> environmentVariables, VmSize instanceType, int instanceCount,
                      Duration requestTimeout, int maxConcurrentRequests, Probe liveness, Probe readiness,
                      String interpreter) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5000);
    static final Duration MAX_TIMEOUT = Duration.ofMillis(180_000);
    static final String INTERPRETER_PROPERTY = "amlite.python";

    DeploymentSpec {
        environmentVariables = Map.copyOf(environmentVariables);
    }

    /** No code of its own: an MLflow model, scored by amlite's script for it (Azure's no-code deployment). */
    boolean servesMlflowModel() {
        return code == null;
    }

    /** The slots Azure reserves for the deployment in quota: 20 % more than it runs, for upgrades (RM-11). */
    int reservedInstances() {
        return (int) Math.ceil(instanceCount * 1.2 - 1e-9);
    }

    int reservedCores() {
        return reservedInstances() * instanceType.vCpus();
    }

    /** 2 × max_concurrent_requests_per_instance × instance_count: more in flight gets 429 (Azure's rule). */
    int admissionLimit(int instances) {
        return 2 * maxConcurrentRequests * Math.max(1, instances);
    }

    /** The same deployment with another instance count and nothing else changed: a scale, not a roll. */
    boolean sameExceptCount(DeploymentSpec other) {
        return other != null && equals(other.withInstanceCount(instanceCount));
    }

    DeploymentSpec withInstanceCount(int count) {
        return new DeploymentSpec(model, code, scoringScript, environment, environmentVariables, instanceType, count,
                requestTimeout, maxConcurrentRequests, liveness, readiness, interpreter);
    }

    static DeploymentSpec parse(JsonNode document, Catalog catalog, String region) {
        JsonNode properties = document.path("properties");
        String model = text(properties, "model");
        if (model == null) {
            throw invalid("model is required: a registered model ('azureml:<name>:<version>') or a local path the "
                    + "CLI uploads.");
        }
        JsonNode codeConfiguration = properties.path("codeConfiguration");
        String code = text(codeConfiguration, "codeId");
        String script = text(codeConfiguration, "scoringScript");
        if ((code == null) != (script == null)) {
            throw invalid("code_configuration needs both code and scoring_script (a score.py with init() and "
                    + "run(raw_data)); leave code_configuration out only to serve an MLflow model as it is.");
        }
        if (script != null && (script.startsWith("/") || script.contains(".."))) {
            throw invalid("scoring_script must be a path inside the code folder; '" + script + "' was given.");
        }
        String typeName = text(properties, "instanceType");
        if (typeName == null) {
            throw invalid("instance_type is required, e.g. Standard_DS3_v2.");
        }
        VmSize type = catalog.vmSize(typeName).orElseThrow(() -> invalid("Instance type '" + typeName + "' is not "
                + "a known VM size. 'amlite vm list-sizes -l " + region + " -o table' shows the sizes."));
        if (!type.offeredIn(region)) {
            throw invalid("Instance type '" + type.name() + "' is not offered in region " + region + ". 'amlite vm "
                    + "list-sizes -l " + region + " -o table' shows the sizes that are.");
        }
        JsonNode sku = document.path("sku");
        int count = sku.has("capacity") ? sku.path("capacity").asInt(-1) : 1;
        if (sku.has("capacity") && !sku.path("capacity").canConvertToInt()) {
            count = -1;
        }
        if (count < 1 || count > EndpointRules.MAX_INSTANCES) {
            throw invalid("instance_count must be from 1 to " + EndpointRules.MAX_INSTANCES + "; "
                    + sku.path("capacity").asText() + " was given.");
        }
        JsonNode request = properties.path("requestSettings");
        Duration timeout = duration(request, "requestTimeout", DEFAULT_TIMEOUT, "request_settings.request_timeout_ms");
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw invalid("request_settings.request_timeout_ms must be from 1 to 180000; " + timeout.toMillis()
                    + " was given.");
        }
        int concurrent = request.path("maxConcurrentRequestsPerInstance").asInt(1);
        if (concurrent < 1 || concurrent > 1000) {
            throw invalid("request_settings.max_concurrent_requests_per_instance must be from 1 to 1000; "
                    + concurrent + " was given.");
        }
        Probe liveness = probe(properties.path("livenessProbe"), Probe.azureLiveness(), "liveness_probe");
        Probe readiness = probe(properties.path("readinessProbe"), Probe.azureReadiness(), "readiness_probe");
        Map<String, String> variables = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = properties.path("environmentVariables").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            variables.put(field.getKey(), field.getValue().asText());
        }
        String interpreter = text(properties.path("properties"), INTERPRETER_PROPERTY);
        return new DeploymentSpec(model, code, script, text(properties, "environmentId"), variables, type, count,
                timeout, concurrent, liveness, readiness, interpreter);
    }

    private static Probe probe(JsonNode node, Probe defaults, String member) {
        if (node.isMissingNode() || node.isNull()) {
            return defaults;
        }
        try {
            return new Probe(duration(node, "initialDelay", defaults.initialDelay(), member + ".initial_delay"),
                    duration(node, "period", defaults.period(), member + ".period"),
                    duration(node, "timeout", defaults.timeout(), member + ".timeout"),
                    node.path("successThreshold").asInt(defaults.successThreshold()),
                    node.path("failureThreshold").asInt(defaults.failureThreshold()));
        } catch (IllegalArgumentException e) {
            throw invalid(member + " is invalid: the initial delay must be 0 or more, period and timeout more than 0, "
                    + "and the thresholds 1 or more.");
        }
    }

    private static Duration duration(JsonNode node, String member, Duration fallback, String shownAs) {
        JsonNode value = node.path(member);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        try {
            return Duration.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw invalid(shownAs + " must be an ISO 8601 duration such as PT5S; '" + value.asText() + "' was given.");
        }
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node.path(member);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static ArmException invalid(String message) {
        return new ArmException(ErrorCode.InvalidParameter, message);
    }
}
