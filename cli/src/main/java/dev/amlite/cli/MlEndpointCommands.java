package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code amlite ml online-endpoint …} and {@code amlite ml online-deployment …} (EP-1 … EP-9, seed 004): the
 * azureml YAML files as they are, inline model, code and environment registered as anonymous assets first (as
 * az ml does), long-running creates and updates followed unless {@code --no-wait}.
 */
final class MlEndpointCommands {
    private MlEndpointCommands() {
    }

    /** Options every endpoint command has: the workspace it works in. */
    abstract static class EndpointLeaf extends Leaf {
        @Option(names = {"-w", "--workspace-name"}, description = "Workspace (default: configure --defaults workspace=).")
        String workspace;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String workspacePath(Session session) {
            return MlCommands.workspacePath(session, group, MlCommands.workspaceName(session, workspace));
        }

        String endpointPath(Session session, String endpoint) {
            return workspacePath(session) + "/onlineEndpoints/" + endpoint;
        }
    }

    // --- views: az ml's snake_case shapes

    static ObjectNode endpointView(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("auth_mode", switch (p.path("authMode").asText("Key")) {
            case "AMLToken" -> "aml_token";
            case "AADToken" -> "aad_token";
            default -> "key";
        });
        view.put("description", p.path("description").asText(null));
        view.put("id", arm.path("id").asText());
        ObjectNode identity = view.putObject("identity");
        identity.put("type", arm.path("identity").path("type").asText("system_assigned").equals("SystemAssigned")
                ? "system_assigned" : arm.path("identity").path("type").asText());
        identity.put("principal_id", arm.path("identity").path("principalId").asText(null));
        identity.put("tenant_id", arm.path("identity").path("tenantId").asText(null));
        view.put("kind", arm.path("kind").asText("Managed"));
        view.put("location", arm.path("location").asText());
        view.set("mirror_traffic", p.path("mirrorTraffic").isObject() ? p.get("mirrorTraffic") : Json.object());
        view.put("openapi_uri", p.path("swaggerUri").asText(null));
        view.set("properties", p.path("properties").isObject() ? p.get("properties") : Json.object());
        view.put("provisioning_state", p.path("provisioningState").asText());
        view.put("public_network_access", p.path("publicNetworkAccess").asText("Enabled").toLowerCase(Locale.ROOT));
        view.put("resourceGroup", resourceGroup(arm));
        view.put("scoring_uri", p.path("scoringUri").asText(null));
        view.set("tags", arm.path("tags").isObject() ? arm.get("tags") : Json.object());
        view.set("traffic", p.path("traffic").isObject() ? p.get("traffic") : Json.object());
        return view;
    }

    static ObjectNode deploymentView(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        String id = arm.path("id").asText();
        String[] parts = id.split("/");
        view.put("endpoint_name", parts.length >= 3 ? parts[parts.length - 3] : null);
        view.put("id", id);
        view.put("type", "managed");
        view.put("model", azuremlRef(p.path("model").asText(null)));
        if (p.path("codeConfiguration").hasNonNull("codeId")) { // none: an MLflow model served as it is
            ObjectNode code = view.putObject("code_configuration");
            code.put("code", azuremlRef(p.path("codeConfiguration").path("codeId").asText(null)));
            code.put("scoring_script", p.path("codeConfiguration").path("scoringScript").asText(null));
        }
        view.put("environment", azuremlRef(p.path("environmentId").asText(null)));
        view.put("instance_type", p.path("instanceType").asText(null));
        view.put("instance_count", arm.path("sku").path("capacity").asInt(1));
        view.set("environment_variables", p.path("environmentVariables").isObject() ? p.get("environmentVariables")
                : Json.object());
        ObjectNode request = view.putObject("request_settings");
        JsonNode settings = p.path("requestSettings");
        request.put("request_timeout_ms", millis(settings.path("requestTimeout").asText("PT5S")));
        request.put("max_concurrent_requests_per_instance", settings.path("maxConcurrentRequestsPerInstance").asInt(1));
        request.put("max_queue_wait_ms", millis(settings.path("maxQueueWait").asText("PT0.5S")));
        view.set("liveness_probe", probeView(p.path("livenessProbe"), 30));
        view.set("readiness_probe", probeView(p.path("readinessProbe"), 3));
        view.putObject("scale_settings").put("type", "default");
        view.set("properties", p.path("properties").isObject() ? p.get("properties") : Json.object());
        view.put("provisioning_state", p.path("provisioningState").asText());
        view.set("tags", arm.path("tags").isObject() ? arm.get("tags") : Json.object());
        view.put("resourceGroup", resourceGroup(arm));
        return view;
    }

    private static ObjectNode probeView(JsonNode probe, int failureDefault) {
        ObjectNode view = Json.object();
        view.put("initial_delay", millis(probe.path("initialDelay").asText("PT10S")) / 1000);
        view.put("period", millis(probe.path("period").asText("PT10S")) / 1000);
        view.put("timeout", millis(probe.path("timeout").asText("PT2S")) / 1000);
        view.put("success_threshold", probe.path("successThreshold").asInt(1));
        view.put("failure_threshold", probe.path("failureThreshold").asInt(failureDefault));
        return view;
    }

    private static long millis(String iso) {
        try {
            return Duration.parse(iso).toMillis();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String resourceGroup(JsonNode arm) {
        String[] parts = arm.path("id").asText().split("/");
        return parts.length > 4 ? parts[4] : null;
    }

    /** An ARM id of an asset version as az shows it: azureml:/subscriptions/…. */
    private static String azuremlRef(String id) {
        return id == null ? null : id.startsWith("azureml:") ? id : "azureml:" + id;
    }

    /** "blue=90 green=10" (or with commas) as a traffic object. */
    static ObjectNode percentages(String option, String value) {
        ObjectNode node = Json.object();
        for (String pair : value.trim().split("[\\s,]+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new CliError(option + " takes deployment=percentage pairs, e.g. \"blue=90 green=10\"; '" + pair
                        + "' is not one.", 2);
            }
            String number = pair.substring(equals + 1);
            if (!number.matches("\\d{1,3}")) {
                throw new CliError(option + ": the percentage of '" + pair.substring(0, equals) + "' must be a whole "
                        + "number from 0 to 100, not '" + number + "'.", 2);
            }
            node.put(pair.substring(0, equals), Integer.parseInt(number));
        }
        return node;
    }

    // --- online-endpoint

    @Command(name = "online-endpoint", description = "Manage Azure ML online endpoints.", subcommands = {
            EndpointCreate.class, EndpointShow.class, EndpointList.class, EndpointUpdate.class, EndpointDelete.class,
            EndpointGetCredentials.class, EndpointRegenerateKeys.class, EndpointInvoke.class,
            EndpointRequestLog.class})
    static final class OnlineEndpoint {
    }

    @Command(name = "create", description = "Create an endpoint (auth_mode key or aml_token).")
    static final class EndpointCreate extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, description = "Name (overrides the YAML's).")
        String name;
        @Option(names = {"-f", "--file"}, description = "Endpoint YAML (managedOnlineEndpoint schema).")
        Path file;
        @Option(names = "--auth-mode", description = "key or aml_token (overrides the YAML's).")
        String authMode;
        @Option(names = "--no-wait", description = "Do not wait for the operation to finish.")
        boolean noWait;
        @Option(names = "--local", description = "An endpoint on this machine, without a server (debugging).")
        boolean local;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            AssetYaml.checkFields("endpoint", yaml);
            String endpoint = AssetYaml.name(name, yaml);
            if (local) {
                return LocalDeployments.createEndpoint(session, endpoint, yaml, authMode);
            }
            ObjectNode body = endpointBody(yaml, authMode);
            String path = endpointPath(session, endpoint);
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            return noWait ? null : endpointView(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    static ObjectNode endpointBody(JsonNode yaml, String authMode) {
        ObjectNode body = Json.object();
        ObjectNode properties = body.putObject("properties");
        String mode = authMode != null ? authMode : yaml.path("auth_mode").asText("key");
        properties.put("authMode", switch (mode.toLowerCase(Locale.ROOT)) {
            case "key" -> "Key";
            case "aml_token" -> "AMLToken";
            case "aad_token" -> "AADToken";
            default -> throw new CliError("auth_mode must be key or aml_token; '" + mode + "' was given.", 1);
        });
        if (yaml.hasNonNull("description")) {
            properties.put("description", yaml.path("description").asText());
        }
        if (yaml.has("traffic")) {
            properties.set("traffic", yaml.get("traffic"));
        }
        if (yaml.has("mirror_traffic")) {
            properties.set("mirrorTraffic", yaml.get("mirror_traffic"));
        }
        if (yaml.hasNonNull("public_network_access")) {
            String access = yaml.path("public_network_access").asText();
            properties.put("publicNetworkAccess", access.substring(0, 1).toUpperCase(Locale.ROOT)
                    + access.substring(1).toLowerCase(Locale.ROOT));
        }
        if (yaml.has("properties")) {
            properties.set("properties", yaml.get("properties"));
        }
        if (yaml.has("tags")) {
            body.set("tags", yaml.get("tags"));
        }
        if (yaml.hasNonNull("kind")) {
            body.put("kind", yaml.path("kind").asText());
        }
        if (yaml.hasNonNull("location")) {
            body.put("location", yaml.path("location").asText());
        }
        return body;
    }

    @Command(name = "show", description = "Show an endpoint.")
    static final class EndpointShow extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;

        @Option(names = "--local", description = "The local endpoint (see 'online-deployment create --local').")
        boolean local;

        @Override
        JsonNode run(Session session) {
            if (local) {
                return LocalDeployments.endpointView(session, name);
            }
            return endpointView(session.send("GET", endpointPath(session, name), MlCommands.ML_API, null));
        }
    }

    @Command(name = "list", description = "List the endpoints of a workspace.")
    static final class EndpointList extends EndpointLeaf {
        @Option(names = "--local", description = "The local endpoint (see 'online-deployment create --local').")
        boolean local;

        @Override
        JsonNode run(Session session) {
            ArrayNode result = Json.MAPPER.createArrayNode();
            if (local) {
                LocalDeployments.listEndpoints(session).forEach(result::add);
                return result;
            }
            session.send("GET", workspacePath(session) + "/onlineEndpoints", MlCommands.ML_API, null).path("value")
                    .forEach(item -> result.add(endpointView(item)));
            return result;
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Kind", "kind"), Column.of("Location", "location"),
                    Column.of("AuthMode", "auth_mode"), Column.of("ProvisioningState", "provisioning_state"));
        }
    }

    @Command(name = "update", description = "Update an endpoint: its traffic split, mirror traffic, description, tags.")
    static final class EndpointUpdate extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, description = "Endpoint name (or 'name' in --file).")
        String name;
        @Option(names = {"-f", "--file"}, description = "Endpoint YAML with the new settings.")
        Path file;
        @Option(names = "--traffic", description = "Live traffic, e.g. \"blue=90 green=10\" (sums to 100, or 0).")
        String traffic;
        @Option(names = "--mirror-traffic", description = "Mirrored traffic, e.g. \"green=10\" (one deployment, <= 50).")
        String mirrorTraffic;
        @Option(names = "--set", arity = "1..*", description = "description=..., tags.k=v")
        List<String> set;
        @Option(names = "--no-wait", description = "Do not wait for the operation to finish.")
        boolean noWait;
        @Option(names = "--local", description = "The local endpoint: its description, tags and auth mode.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            AssetYaml.checkFields("endpoint", yaml);
            String endpoint = AssetYaml.name(name, yaml);
            if (local) {
                if (traffic != null || mirrorTraffic != null || yaml.has("traffic") || yaml.has("mirror_traffic")) {
                    throw new CliError("A local endpoint sends all its traffic to its one deployment; traffic and "
                            + "mirror traffic are set on an endpoint of a server (without --local).", 2);
                }
                return LocalDeployments.updateEndpoint(session, endpoint, yaml, set == null ? List.of() : set);
            }
            String path = endpointPath(session, endpoint);
            ObjectNode current = (ObjectNode) session.send("GET", path, MlCommands.ML_API, null);
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            JsonNode existing = current.path("properties");
            for (String member : List.of("authMode", "description", "traffic", "mirrorTraffic", "publicNetworkAccess",
                    "properties")) {
                if (existing.has(member)) {
                    properties.set(member, existing.get(member));
                }
            }
            body.set("tags", current.path("tags").isObject() ? current.get("tags") : Json.object());
            if (file != null) {
                ObjectNode fromYaml = endpointBody(yaml, yaml.hasNonNull("auth_mode") ? null
                        : existing.path("authMode").asText("Key").equals("AMLToken") ? "aml_token" : "key");
                ((ObjectNode) properties).setAll((ObjectNode) fromYaml.path("properties"));
                if (fromYaml.has("tags")) {
                    body.set("tags", fromYaml.get("tags"));
                }
            }
            if (traffic != null) {
                ObjectNode split = percentages("--traffic", traffic);
                ObjectNode merged = existing.path("traffic").isObject() ? ((ObjectNode) existing.get("traffic")).deepCopy()
                        : Json.object();
                merged.setAll(split);
                properties.set("traffic", merged);
            }
            if (mirrorTraffic != null) {
                properties.set("mirrorTraffic", percentages("--mirror-traffic", mirrorTraffic));
            }
            for (String assignment : set == null ? List.<String>of() : set) {
                int equals = assignment.indexOf('=');
                if (equals <= 0) {
                    throw new CliError("--set takes key=value; '" + assignment + "' is not one.", 2);
                }
                String key = assignment.substring(0, equals);
                String value = assignment.substring(equals + 1);
                if (key.equals("description")) {
                    properties.put("description", value);
                } else if (key.startsWith("tags.")) {
                    ((ObjectNode) body.get("tags")).put(key.substring(5), value);
                } else if (key.equals("traffic")) {
                    properties.set("traffic", percentages("--set traffic", value));
                } else if (key.equals("public_network_access")) {
                    if (!value.equalsIgnoreCase("enabled") && !value.equalsIgnoreCase("disabled")) {
                        throw new CliError("public_network_access is enabled or disabled, not '" + value + "'.", 2);
                    }
                    properties.put("publicNetworkAccess", value.equalsIgnoreCase("enabled") ? "Enabled" : "Disabled");
                } else {
                    throw new CliError("--set can change description, tags.<key>, public_network_access and traffic; "
                            + "use --traffic and "
                            + "--mirror-traffic for the split. '" + key + "' is not settable.", 2);
                }
            }
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            return noWait ? null : endpointView(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "delete", description = "Delete an endpoint and all its deployments.")
    static final class EndpointDelete extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;
        @Option(names = {"-y", "--yes"}, description = "Do not prompt for confirmation.")
        boolean yes;
        @Option(names = "--no-wait", description = "Do not wait for the deletion to finish.")
        boolean noWait;
        @Option(names = "--local", description = "The local endpoint (see 'online-deployment create --local').")
        boolean local;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting endpoint '" + name + "' and all its deployments.");
            if (local) {
                LocalDeployments.deleteEndpoint(session, name);
                return null;
            }
            session.longRunning("DELETE", endpointPath(session, name), MlCommands.ML_API, null, noWait);
            return null;
        }
    }

    @Command(name = "get-credentials", description = "The endpoint's keys (auth_mode key) or a new token (aml_token).")
    static final class EndpointGetCredentials extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return credentials(session, endpointPath(session, name));
        }
    }

    static JsonNode credentials(Session session, String path) {
        JsonNode endpoint = session.send("GET", path, MlCommands.ML_API, null);
        boolean token = endpoint.path("properties").path("authMode").asText().equals("AMLToken");
        return session.send("POST", path + (token ? "/token" : "/listKeys"), MlCommands.ML_API, null);
    }

    @Command(name = "regenerate-keys", description = "Regenerate the primary or secondary key.")
    static final class EndpointRegenerateKeys extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;
        @Option(names = "--key-type", defaultValue = "primary", description = "primary (default) or secondary.")
        String keyType;

        @Override
        JsonNode run(Session session) {
            if (!keyType.equalsIgnoreCase("primary") && !keyType.equalsIgnoreCase("secondary")) {
                throw new CliError("--key-type must be primary or secondary; '" + keyType + "' was given.", 2);
            }
            ObjectNode body = Json.object().put("keyType", keyType.substring(0, 1).toUpperCase(Locale.ROOT)
                    + keyType.substring(1).toLowerCase(Locale.ROOT));
            session.send("POST", endpointPath(session, name) + "/regenerateKeys", MlCommands.ML_API, body);
            return null;
        }
    }

    @Command(name = "invoke", description = "Score a request on the endpoint (or on one deployment of it).")
    static final class EndpointInvoke extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;
        @Option(names = {"-r", "--request-file"}, required = true, description = "File with the request body (JSON).")
        Path requestFile;
        @Option(names = {"-d", "--deployment-name"}, description = "Send to this deployment, whatever the traffic.")
        String deployment;
        @Option(names = "--local", description = "Invoke a deployment run with --local on this machine.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            byte[] body = requestBody();
            if (local) {
                JsonNode state = LocalDeployments.state(session, name, deployment);
                return invoke(session, state.path("scoring_uri").asText(), null, null, body);
            }
            String path = endpointPath(session, name);
            JsonNode endpoint = session.send("GET", path, MlCommands.ML_API, null);
            JsonNode credentials = credentials(session, path);
            String bearer = credentials.has("accessToken") ? credentials.path("accessToken").asText()
                    : credentials.path("primaryKey").asText();
            return invoke(session, endpoint.path("properties").path("scoringUri").asText(), bearer, deployment, body);
        }

        /** The request file, read before anything is asked of the server. */
        private byte[] requestBody() {
            if (!Files.exists(requestFile)) {
                throw new CliError("The request file '" + requestFile + "' does not exist.", 1);
            }
            if (Files.isDirectory(requestFile)) {
                throw new CliError("The request file '" + requestFile + "' is a directory; give the JSON file to send.", 1);
            }
            try {
                return Files.readAllBytes(requestFile);
            } catch (IOException e) {
                throw new CliError("Cannot read the request file '" + requestFile + "': " + e.getMessage(), 1);
            }
        }
    }

    /** POSTs to a scoring URI; the answer as JSON when it is JSON, else as a string; an error status is an error. */
    static JsonNode invoke(Session session, String uri, String bearer, String deployment, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(200))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (deployment != null) {
            request.header("azureml-model-deployment", deployment);
        }
        HttpResponse<String> response;
        try {
            response = session.http(bearer == null ? null : session.profile().caFile()).send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliError("The scoring request to " + uri + " failed: " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("Interrupted", 1);
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(response.body());
        } catch (RuntimeException e) {
            parsed = Json.MAPPER.getNodeFactory().textNode(response.body());
        }
        if (response.statusCode() >= 400) {
            String served = response.headers().firstValue("azureml-model-deployment").map(d -> " (deployment " + d + ")")
                    .orElse("");
            String message = parsed.path("error").path("message").asText(response.body());
            throw new CliError("(" + parsed.path("error").path("code").asText("HTTP " + response.statusCode()) + ") "
                    + "The endpoint answered " + response.statusCode() + served + ": " + message, 1);
        }
        return parsed;
    }

    @Command(name = "get-request-log", description = "The endpoint's latest requests (amlite; newest first).")
    static final class EndpointRequestLog extends EndpointLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Endpoint name.")
        String name;
        @Option(names = "--top", defaultValue = "20", description = "How many (at most 1000).")
        int top;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", endpointPath(session, name) + "/getRequestLog", MlCommands.ML_API,
                    Json.object().put("top", top)).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Time", "time"), Column.of("RequestId", "requestId"),
                    Column.of("Deployment", "deployment"), Column.of("Status", "status"),
                    Column.of("DurationMs", "durationMs"), Column.of("Mirrored", "mirrored"));
        }
    }

    // --- online-deployment

    @Command(name = "online-deployment", description = "Manage Azure ML online deployments.", subcommands = {
            DeploymentCreate.class, DeploymentShow.class, DeploymentList.class, DeploymentUpdate.class,
            DeploymentDelete.class, DeploymentGetLogs.class, DeploymentGetMetrics.class, DeploymentListSkus.class})
    static final class OnlineDeployment {
    }

    abstract static class DeploymentLeaf extends EndpointLeaf {
        @Option(names = {"-e", "--endpoint-name", "--endpoint"}, description = "Endpoint name (or endpoint_name in --file).")
        String endpoint;

        String endpointName(JsonNode yaml) {
            String value = endpoint != null ? endpoint : yaml == null ? null : yaml.path("endpoint_name").asText(null);
            if (value == null) {
                throw new CliError("the following arguments are required: --endpoint-name/-e");
            }
            return value;
        }

        String deploymentPath(Session session, String endpointName, String deployment) {
            return endpointPath(session, endpointName) + "/deployments/" + deployment;
        }
    }

    /**
     * The environment a deployment or job YAML names: {@code azureml:<name>:<version>} as it is, an inline one
     * ({@code image}, {@code conda_file}) registered as an anonymous version first, as az ml does. Null when none.
     */
    static String environmentId(Session session, String workspacePath, JsonNode environment, Path file) {
        if (environment.isTextual()) {
            return dev.amlite.sdk.ml.AssetOperations.of(session.arm(), workspacePath, "environment")
                    .pinned(environment.asText());
        }
        if (!environment.isObject()) {
            return null;
        }
        ObjectNode envProperties = Json.object();
        if (environment.hasNonNull("image")) {
            envProperties.put("image", environment.path("image").asText());
        }
        if (environment.hasNonNull("conda_file")) {
            try {
                envProperties.put("condaFile", Files.readString(AssetYaml.local(file,
                        environment.path("conda_file").asText())));
            } catch (IOException e) {
                throw new CliError("Cannot read the conda file: " + e.getMessage(), 1);
            }
        }
        envProperties.put("isAnonymous", true);
        String hash = Integer.toHexString(Json.write(envProperties).hashCode()) + Integer.toHexString(
                Json.write(envProperties).length());
        dev.amlite.sdk.ml.AssetOperations envs = dev.amlite.sdk.ml.AssetOperations.of(session.arm(),
                workspacePath, "environment");
        String envName = "anon-env-" + hash;
        JsonNode registered;
        try {
            registered = envs.get(envName, "1");
        } catch (AmliteException e) {
            if (e.status() != 404) {
                throw e;
            }
            registered = envs.createOrUpdate(envName, "1", envProperties, null);
        }
        return registered.path("id").asText();
    }

    /** The ARM body of a deployment from its YAML, registering inline model, code and environment first. */
    static ObjectNode deploymentBody(Session session, String workspacePath, JsonNode yaml, Path file) {
        AssetYaml.checkFields("deployment", yaml);
        ObjectNode body = Json.object();
        ObjectNode properties = body.putObject("properties");
        properties.put("endpointComputeType", "Managed");
        JsonNode model = yaml.path("model");
        if (model.isTextual()) {
            properties.put("model", dev.amlite.sdk.ml.AssetOperations.of(session.arm(), workspacePath, "model")
                    .pinned(model.asText()));
        } else if (model.isObject() && model.hasNonNull("path")) {
            Path local = AssetYaml.local(file, model.path("path").asText());
            String type = model.path("type").asText("custom_model");
            if (!AssetYaml.MODEL_TYPES.containsKey(type)) {
                throw new CliError("model.type must be one of " + new java.util.TreeSet<>(AssetYaml.MODEL_TYPES.keySet())
                        + "; '" + type + "' was given.", 1);
            }
            ObjectNode modelProperties = Json.object().put("modelType", AssetYaml.MODEL_TYPES.get(type));
            properties.put("model", dev.amlite.sdk.ml.AssetOperations.of(session.arm(), workspacePath, "model")
                    .withProgress(MlAssetCommands.progress(session)).createAnonymous(local, modelProperties)
                    .path("id").asText());
        } else if (!model.isMissingNode()) {
            throw new CliError("model must be azureml:<name>:<version> or have a path.", 1);
        }
        JsonNode code = yaml.path("code_configuration");
        if (code.isObject()) {
            ObjectNode configuration = properties.putObject("codeConfiguration");
            configuration.put("scoringScript", code.path("scoring_script").asText(null));
            String codePath = code.path("code").asText(null);
            if (codePath != null && codePath.startsWith("azureml:")) {
                configuration.put("codeId", dev.amlite.sdk.ml.AssetOperations.of(session.arm(), workspacePath, "code")
                        .pinned(codePath));
            } else if (codePath != null) {
                Path local = AssetYaml.local(file, codePath);
                configuration.put("codeId", dev.amlite.sdk.ml.AssetOperations.of(session.arm(), workspacePath, "code")
                        .withProgress(MlAssetCommands.progress(session)).createAnonymous(local, Json.object())
                        .path("id").asText());
            }
        }
        String environment = environmentId(session, workspacePath, yaml.path("environment"), file);
        if (environment != null) {
            properties.put("environmentId", environment);
        }
        if (yaml.hasNonNull("instance_type")) {
            properties.put("instanceType", yaml.path("instance_type").asText());
        }
        body.putObject("sku").put("name", "Default").put("capacity", yaml.path("instance_count").asInt(1));
        if (yaml.has("instance_count") && !yaml.path("instance_count").canConvertToInt()) {
            throw new CliError("instance_count must be a whole number; '" + yaml.path("instance_count").asText()
                    + "' was given.", 1);
        }
        if (yaml.has("environment_variables")) {
            properties.set("environmentVariables", yaml.get("environment_variables"));
        }
        JsonNode request = yaml.path("request_settings");
        if (request.isObject()) {
            ObjectNode settings = properties.putObject("requestSettings");
            if (request.has("request_timeout_ms")) {
                settings.put("requestTimeout", Duration.ofMillis(request.path("request_timeout_ms").asLong()).toString());
            }
            if (request.has("max_concurrent_requests_per_instance")) {
                settings.put("maxConcurrentRequestsPerInstance",
                        request.path("max_concurrent_requests_per_instance").asInt());
            }
            if (request.has("max_queue_wait_ms")) {
                settings.put("maxQueueWait", Duration.ofMillis(request.path("max_queue_wait_ms").asLong()).toString());
            }
        }
        for (String probe : List.of("liveness_probe", "readiness_probe")) {
            JsonNode given = yaml.path(probe);
            if (given.isObject()) {
                ObjectNode arm = properties.putObject(probe.equals("liveness_probe") ? "livenessProbe" : "readinessProbe");
                for (Map.Entry<String, String> member : Map.of("initial_delay", "initialDelay", "period", "period",
                        "timeout", "timeout").entrySet()) {
                    if (given.has(member.getKey())) {
                        arm.put(member.getValue(), Duration.ofSeconds(given.path(member.getKey()).asLong()).toString());
                    }
                }
                if (given.has("success_threshold")) {
                    arm.put("successThreshold", given.path("success_threshold").asInt());
                }
                if (given.has("failure_threshold")) {
                    arm.put("failureThreshold", given.path("failure_threshold").asInt());
                }
            }
        }
        if (yaml.has("properties")) {
            properties.set("properties", yaml.get("properties"));
        }
        if (yaml.hasNonNull("description")) {
            properties.put("description", yaml.path("description").asText());
        }
        if (yaml.has("app_insights_enabled")) {
            properties.put("appInsightsEnabled", yaml.path("app_insights_enabled").asBoolean());
        }
        if (yaml.has("tags")) {
            body.set("tags", yaml.get("tags"));
        }
        return body;
    }

    @Command(name = "create", description = "Create a deployment from its YAML; --all-traffic sends it all live traffic.")
    static final class DeploymentCreate extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, description = "Deployment name (overrides the YAML's).")
        String name;
        @Option(names = {"-f", "--file"}, required = true, description = "Deployment YAML (managedOnlineDeployment schema).")
        Path file;
        @Option(names = "--all-traffic", description = "Give this deployment 100% of the live traffic once it runs.")
        boolean allTraffic;
        @Option(names = "--no-wait", description = "Do not wait for the deployment to finish.")
        boolean noWait;
        @Option(names = "--local", description = "Run the deployment on this machine, without a server (debugging).")
        boolean local;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = Yaml.read(file);
            String deployment = AssetYaml.name(name, yaml);
            String endpointName = endpointName(yaml);
            if (local) {
                return LocalDeployments.create(session, endpointName, deployment, yaml, file);
            }
            if (allTraffic && noWait) {
                throw new CliError("--all-traffic needs the deployment to finish first, so it cannot go with --no-wait.", 2);
            }
            String path = deploymentPath(session, endpointName, deployment);
            session.send("GET", endpointPath(session, endpointName), MlCommands.ML_API, null);
            ObjectNode body = deploymentBody(session, workspacePath(session), yaml, file);
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            if (noWait) {
                return null;
            }
            if (allTraffic) {
                String endpointPath = endpointPath(session, endpointName);
                ObjectNode current = (ObjectNode) session.send("GET", endpointPath, MlCommands.ML_API, null);
                ObjectNode update = Json.object();
                ObjectNode properties = update.putObject("properties");
                ObjectNode traffic = properties.putObject("traffic");
                current.path("properties").path("traffic").fieldNames().forEachRemaining(d -> traffic.put(d, 0));
                traffic.put(deployment, 100);
                ObjectNode mirror = properties.putObject("mirrorTraffic");
                current.path("properties").path("mirrorTraffic").fields().forEachRemaining(e ->
                        mirror.put(e.getKey(), e.getKey().equalsIgnoreCase(deployment) ? 0 : e.getValue().asInt()));
                session.send("PATCH", endpointPath, MlCommands.ML_API, update);
            }
            return deploymentView(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "show", description = "Show a deployment.")
    static final class DeploymentShow extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Deployment name.")
        String name;

        @Option(names = "--local", description = "A deployment run with --local.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            if (local) {
                return LocalDeployments.deploymentView(LocalDeployments.state(session, endpointName(null), name));
            }
            return deploymentView(session.send("GET", deploymentPath(session, endpointName(null), name),
                    MlCommands.ML_API, null));
        }
    }

    @Command(name = "list", description = "List the deployments of an endpoint.")
    static final class DeploymentList extends DeploymentLeaf {
        @Option(names = "--local", description = "The deployments of a local endpoint.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            ArrayNode result = Json.MAPPER.createArrayNode();
            if (local) {
                LocalDeployments.listDeployments(session, endpointName(null)).forEach(result::add);
                return result;
            }
            session.send("GET", endpointPath(session, endpointName(null)) + "/deployments", MlCommands.ML_API, null)
                    .path("value").forEach(item -> result.add(deploymentView(item)));
            return result;
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Endpoint", "endpoint_name"),
                    Column.of("InstanceType", "instance_type"), Column.of("InstanceCount", "instance_count"),
                    Column.of("ProvisioningState", "provisioning_state"));
        }
    }

    @Command(name = "update", description = "Update a deployment: --set instance_count=2, or a new --file (rolling).")
    static final class DeploymentUpdate extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, description = "Deployment name (or 'name' in --file).")
        String name;
        @Option(names = {"-f", "--file"}, description = "Deployment YAML with the new settings.")
        Path file;
        @Option(names = "--set", arity = "1..*", description = "instance_count=2, instance_type=..., "
                + "environment_variables.K=V, request_settings.request_timeout_ms=N, description=..., tags.k=v")
        List<String> set;
        @Option(names = "--no-wait", description = "Do not wait for the update to finish.")
        boolean noWait;
        @Option(names = "--local", description = "Start a deployment run with --local again from --file.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? null : Yaml.read(file);
            String deployment = AssetYaml.name(name, yaml);
            if (local) {
                if (yaml == null || set != null) {
                    throw new CliError("--local updates a deployment from its YAML: give --file (--set is for "
                            + "deployments on a server).", 2);
                }
                String endpointName = endpointName(yaml);
                LocalDeployments.state(session, endpointName, deployment);
                return LocalDeployments.create(session, endpointName, deployment, yaml, file);
            }
            String path = deploymentPath(session, endpointName(yaml), deployment);
            ObjectNode body;
            if (yaml != null) {
                body = deploymentBody(session, workspacePath(session), yaml, file);
            } else {
                JsonNode current = session.send("GET", path, MlCommands.ML_API, null);
                body = Json.object();
                body.set("properties", current.path("properties").deepCopy());
                body.set("sku", current.path("sku").deepCopy());
                body.set("tags", current.path("tags").isObject() ? current.get("tags").deepCopy() : Json.object());
            }
            for (String assignment : set == null ? List.<String>of() : set) {
                apply(body, assignment);
            }
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            return noWait ? null : deploymentView(session.send("GET", path, MlCommands.ML_API, null));
        }

        private static void apply(ObjectNode body, String assignment) {
            int equals = assignment.indexOf('=');
            if (equals <= 0) {
                throw new CliError("--set takes key=value; '" + assignment + "' is not one.", 2);
            }
            String key = assignment.substring(0, equals);
            String value = assignment.substring(equals + 1);
            ObjectNode properties = (ObjectNode) body.get("properties");
            try {
                switch (key) {
                    case "instance_count" -> ((ObjectNode) body.with("sku")).put("capacity", Integer.parseInt(value));
                    case "instance_type" -> properties.put("instanceType", value);
                    case "description" -> properties.put("description", value);
                    case "request_settings.request_timeout_ms" -> properties.with("requestSettings")
                            .put("requestTimeout", Duration.ofMillis(Long.parseLong(value)).toString());
                    case "request_settings.max_concurrent_requests_per_instance" -> properties.with("requestSettings")
                            .put("maxConcurrentRequestsPerInstance", Integer.parseInt(value));
                    default -> {
                        if (key.startsWith("environment_variables.")) {
                            properties.with("environmentVariables").put(key.substring(22), value);
                        } else if (key.startsWith("tags.")) {
                            body.with("tags").put(key.substring(5), value);
                        } else {
                            throw new CliError("--set cannot change '" + key + "'. Settable: instance_count, "
                                    + "instance_type, description, request_settings.request_timeout_ms, "
                                    + "request_settings.max_concurrent_requests_per_instance, environment_variables.<name>,"
                                    + " tags.<name>; other changes go in a --file.", 2);
                        }
                    }
                }
            } catch (NumberFormatException e) {
                throw new CliError("--set " + key + " needs a whole number; '" + value + "' was given.", 2);
            }
        }
    }

    @Command(name = "delete", description = "Delete a deployment (it must have no live traffic).")
    static final class DeploymentDelete extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Deployment name.")
        String name;
        @Option(names = {"-y", "--yes"}, description = "Do not prompt for confirmation.")
        boolean yes;
        @Option(names = "--no-wait", description = "Do not wait for the deletion to finish.")
        boolean noWait;
        @Option(names = "--local", description = "Stop and remove a deployment run with --local.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            if (local) {
                LocalDeployments.state(session, endpointName(null), name);
                LocalDeployments.delete(session, endpointName(null), name);
                return null;
            }
            Confirm.require(yes, "Deleting deployment '" + name + "' of endpoint '" + endpointName(null) + "'.");
            session.longRunning("DELETE", deploymentPath(session, endpointName(null), name), MlCommands.ML_API, null,
                    noWait);
            return null;
        }
    }

    @Command(name = "get-logs", description = "The deployment's instance output (score.py's prints and logging).")
    static final class DeploymentGetLogs extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Deployment name.")
        String name;
        @Option(names = {"-l", "--lines"}, defaultValue = "5000", description = "Lines per instance (default 5000).")
        int lines;
        @Option(names = {"-c", "--container"}, defaultValue = "inference-server",
                description = "inference-server (default) or storage-initializer.")
        String container;
        @Option(names = "--local", description = "The logs of a deployment run with --local.")
        boolean local;

        @Override
        JsonNode run(Session session) {
            String content;
            if (local) {
                content = LocalDeployments.logs(session, endpointName(null), name, lines);
            } else {
                ObjectNode body = Json.object().put("tail", lines).put("containerType",
                        container.equalsIgnoreCase("storage-initializer") ? "StorageInitializer" : "InferenceServer");
                content = session.send("POST", deploymentPath(session, endpointName(null), name) + "/getLogs",
                        MlCommands.ML_API, body).path("content").asText("");
            }
            session.out().print(content);
            return null;
        }
    }

    @Command(name = "get-metrics", description = "Requests, errors, latency percentiles and mirrored counts (amlite).")
    static final class DeploymentGetMetrics extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Deployment name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", deploymentPath(session, endpointName(null), name) + "/getMetrics",
                    MlCommands.ML_API, null);
        }
    }

    @Command(name = "list-skus", description = "What the deployment can scale to.")
    static final class DeploymentListSkus extends DeploymentLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Deployment name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", deploymentPath(session, endpointName(null), name) + "/skus",
                    MlCommands.ML_API, null).path("value");
        }

        /** az shows only the resource type; the size and the instance counts are what a reader wants. */
        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "sku.name"), Column.of("Tier", "sku.tier"),
                    Column.of("Minimum", "capacity.minimum"), Column.of("Maximum", "capacity.maximum"),
                    Column.of("Default", "capacity.default"), Column.of("ScaleType", "capacity.scaleType"));
        }
    }
}
