package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.runtime.python.RuntimeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code --local} (EP-9): endpoints and deployments on this machine, served by the same Python inference server the
 * platform runs, without a server or a login — for debugging a score.py, with az's local commands (endpoint
 * create, show, list, delete; deployment create, update, show, list, get-logs, delete; invoke). An endpoint is
 * {@code local-endpoints/<endpoint>/endpoint.json} below the CLI's state directory, a deployment's files, log and
 * state {@code local-endpoints/<endpoint>/<deployment>/}; its process outlives the command until it is deleted.
 */
final class LocalDeployments {
    private static final Pattern LISTENING = Pattern.compile("AMLITE-LISTENING (\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private LocalDeployments() {
    }

    private static Path endpoints(Session session) {
        return session.store().directory().resolve("local-endpoints");
    }

    private static Path root(Session session, String endpoint) {
        checkName("Endpoint", endpoint);
        return endpoints(session).resolve(endpoint);
    }

    /** The server's rule, checked here too: a name is also a folder, and '../x' must not become one. */
    private static void checkName(String what, String name) {
        try {
            Names.checkEndpointName(what, name);
        } catch (ArmException e) {
            throw new CliError(e.getMessage(), 1);
        }
    }

    /** Makes (or replaces the settings of) a local endpoint; its deployments stay. */
    static JsonNode createEndpoint(Session session, String endpoint, JsonNode yaml, String authMode) {
        Path directory = root(session, endpoint);
        String mode = (authMode != null ? authMode : yaml.path("auth_mode").asText("key")).toLowerCase(Locale.ROOT);
        if (!mode.equals("key") && !mode.equals("aml_token")) {
            throw new CliError("auth_mode must be key or aml_token; '" + mode + "' was given.", 1);
        }
        ObjectNode record = Json.object().put("name", endpoint).put("auth_mode", mode);
        if (yaml.hasNonNull("description")) {
            record.put("description", yaml.path("description").asText());
        }
        record.set("tags", yaml.path("tags").isObject() ? yaml.get("tags") : Json.object());
        write(directory.resolve("endpoint.json"), record);
        return endpointView(session, endpoint);
    }

    /**
     * Changes a local endpoint's settings: those the YAML names, then {@code description=} and {@code tags.<key>=}
     * assignments. What neither names is kept.
     */
    static JsonNode updateEndpoint(Session session, String endpoint, JsonNode yaml, List<String> assignments) {
        ObjectNode current = endpointView(session, endpoint);
        ObjectNode merged = Json.object();
        merged.put("auth_mode", yaml.path("auth_mode").asText(current.path("auth_mode").asText()));
        JsonNode description = yaml.hasNonNull("description") ? yaml.get("description") : current.get("description");
        if (description != null) {
            merged.set("description", description);
        }
        ObjectNode tags = (yaml.path("tags").isObject() ? yaml.get("tags") : current.path("tags")).deepCopy();
        for (String assignment : assignments) {
            int equals = assignment.indexOf('=');
            String key = equals <= 0 ? "" : assignment.substring(0, equals);
            if (key.equals("description")) {
                merged.put("description", assignment.substring(equals + 1));
            } else if (key.startsWith("tags.") && key.length() > 5) {
                tags.put(key.substring(5), assignment.substring(equals + 1));
            } else {
                throw new CliError("--set on a local endpoint takes description=<text> or tags.<key>=<value>; '"
                        + assignment + "' is not one.", 2);
            }
        }
        merged.set("tags", tags);
        return createEndpoint(session, endpoint, merged, null);
    }

    /** As az shows a local endpoint: location "local", the scoring URI of its deployment, all traffic to it. */
    static ObjectNode endpointView(Session session, String endpoint) {
        Path directory = root(session, endpoint);
        Path record = directory.resolve("endpoint.json");
        List<JsonNode> deployments = deploymentStates(directory);
        if (!Files.exists(record) && deployments.isEmpty()) {
            throw new CliError("There is no local endpoint '" + endpoint + "'. Create it with 'amlite ml online-endpoint "
                    + "create --local -n " + endpoint + "'.", 3);
        }
        ObjectNode view = Json.object().put("name", endpoint);
        JsonNode stored = Files.exists(record) ? read(record) : Json.object();
        view.put("auth_mode", stored.path("auth_mode").asText("key"));
        if (stored.hasNonNull("description")) {
            view.put("description", stored.path("description").asText());
        }
        view.put("location", "local");
        view.put("provisioning_state", "Succeeded");
        view.put("scoring_uri", deployments.size() == 1 ? deployments.getFirst().path("scoring_uri").asText() : null);
        view.set("tags", stored.path("tags").isObject() ? stored.get("tags") : Json.object());
        ObjectNode traffic = view.putObject("traffic");
        if (deployments.size() == 1) {
            traffic.put(deployments.getFirst().path("deployment").asText(), 100);
        }
        return view;
    }

    static List<JsonNode> listEndpoints(Session session) {
        Path all = endpoints(session);
        if (!Files.isDirectory(all)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(all)) {
            List<String> names = children.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted()
                    .toList();
            List<JsonNode> views = new ArrayList<>();
            for (String name : names) {
                Path directory = all.resolve(name);
                if (Files.exists(directory.resolve("endpoint.json")) || !deploymentStates(directory).isEmpty()) {
                    views.add(endpointView(session, name));
                }
            }
            return views;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every deployment of the endpoint and removes it. */
    static void deleteEndpoint(Session session, String endpoint) {
        endpointView(session, endpoint);
        Path directory = root(session, endpoint);
        for (JsonNode state : deploymentStates(directory)) {
            delete(session, endpoint, state.path("deployment").asText());
        }
        removeTree(directory);
    }

    /** As az shows a local deployment, with whether its process still runs. */
    static ObjectNode deploymentView(JsonNode state) {
        boolean running = ProcessHandle.of(state.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false);
        ObjectNode view = Json.object().put("name", state.path("deployment").asText())
                .put("endpoint_name", state.path("endpoint").asText());
        if (state.has("model")) {
            view.putObject("model").put("path", state.path("model").asText());
            view.putObject("code_configuration").put("code", state.path("code").asText())
                    .put("scoring_script", state.path("scoring_script").asText());
        }
        // One process, whatever instance_count says: local serving is for debugging, not for load.
        view.put("instance_type", state.path("instance_type").asText(null)).put("instance_count", 1);
        view.put("provisioning_state", running ? "Succeeded" : "Failed");
        if (!running) {
            view.put("error", "Its process (pid " + state.path("pid").asLong() + ") is no longer running; "
                    + "'amlite ml online-deployment get-logs --local' shows why, and create --local starts it again.");
        }
        view.put("scoring_uri", state.path("scoring_uri").asText()).put("pid", state.path("pid").asLong())
                .put("log", state.path("log").asText());
        return view;
    }

    static List<JsonNode> listDeployments(Session session, String endpoint) {
        endpointView(session, endpoint);
        return deploymentStates(root(session, endpoint)).stream().map(state -> (JsonNode) deploymentView(state))
                .toList();
    }

    private static List<JsonNode> deploymentStates(Path endpointDirectory) {
        if (!Files.isDirectory(endpointDirectory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(endpointDirectory)) {
            return children.map(d -> d.resolve("state.json")).filter(Files::exists).sorted().map(LocalDeployments::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, JsonNode value) {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, Json.write(value));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode create(Session session, String endpoint, String deployment, JsonNode yaml, Path file) {
        checkName("Deployment", deployment);
        Path directory = root(session, endpoint).resolve(deployment);
        delete(session, endpoint, deployment);
        String modelPath = yaml.path("model").path("path").asText(null);
        String codePath = yaml.path("code_configuration").path("code").asText(null);
        String script = yaml.path("code_configuration").path("scoring_script").asText(null);
        // Azure's no-code deployment: an MLflow model with no code_configuration, scored by amlite's own script.
        boolean mlflow = yaml.path("code_configuration").isMissingNode()
                && yaml.path("model").path("type").asText("").equals("mlflow_model");
        if (modelPath == null || !mlflow && (codePath == null || script == null || codePath.startsWith("azureml:"))) {
            throw new CliError("--local runs files from this machine: the YAML needs model.path, "
                    + "code_configuration.code (a local folder) and code_configuration.scoring_script (or, for an "
                    + "MLflow model, model.type: mlflow_model and no code_configuration).", 1);
        }
        Path model = AssetYaml.local(file, modelPath);
        Path code = mlflow ? directory.resolve("code") : AssetYaml.local(file, codePath);
        if (mlflow) {
            script = RuntimeFiles.MLFLOW_SCRIPT;
            if (!Files.isRegularFile(model.resolve("MLmodel"))) {
                throw new CliError("model.type is mlflow_model, but " + model + " has no MLmodel file: give the "
                        + "folder MLflow saved the model in.", 1);
            }
        } else if (!Files.isRegularFile(code.resolve(script))) {
            throw new CliError("The scoring script '" + script + "' is not in " + code + ".", 1);
        }
        try {
            Files.createDirectories(directory);
            if (mlflow) {
                RuntimeFiles.write(RuntimeFiles.MLFLOW_SCRIPT, code);
            }
            Path server = RuntimeFiles.write(RuntimeFiles.SERVER, directory);
            Path modelDir = directory.resolve("azureml-models").resolve("local").resolve("1");
            copy(model, modelDir.resolve(model.getFileName().toString()));
            Path log = directory.resolve("instance.log");
            String python = yaml.path("properties").path("amlite.python").asText(
                    System.getenv().getOrDefault("AMLITE_PYTHON", "python3"));
            ProcessBuilder builder = new ProcessBuilder(List.of(python, server.toString()));
            Map<String, String> environment = builder.environment();
            yaml.path("environment_variables").fields().forEachRemaining(e -> environment.put(e.getKey(),
                    e.getValue().asText()));
            environment.put("AML_APP_ROOT", code.toString());
            environment.put("AZUREML_ENTRY_SCRIPT", script);
            environment.put("AZUREML_MODEL_DIR", modelDir.toString());
            environment.put("AMLITE_PORT", "0");
            environment.put("AMLITE_MAX_CONCURRENT", Integer.toString(yaml.path("request_settings")
                    .path("max_concurrent_requests_per_instance").asInt(1)));
            environment.put("PYTHONUNBUFFERED", "1");
            builder.directory(code.toFile());
            builder.redirectErrorStream(true);
            builder.redirectOutput(log.toFile());
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CliError("Could not start the Python interpreter '" + python + "': " + e.getMessage()
                        + ". Name another with 'properties: {amlite.python: /usr/bin/python3}' in the YAML or the "
                        + "AMLITE_PYTHON environment variable.", 1);
            }
            int port = awaitReady(process, log);
            ObjectNode state = Json.object().put("endpoint", endpoint).put("deployment", deployment)
                    .put("pid", process.pid()).put("port", port).put("log", log.toString())
                    .put("scoring_uri", "http://127.0.0.1:" + port + "/score")
                    .put("model", model.toString()).put("code", code.toString()).put("scoring_script", script)
                    .put("instance_type", yaml.path("instance_type").asText(null));
            write(directory.resolve("state.json"), state);
            session.err().println("Deployment '" + deployment + "' of local endpoint '" + endpoint + "' serves at "
                    + state.path("scoring_uri").asText() + " (pid " + process.pid() + ").");
            return deploymentView(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitReady(Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        int port = -1;
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new CliError("The local deployment exited with code " + process.exitValue()
                            + " before it was ready. Its output:\n" + tail(log, 30), 1);
                }
                if (port < 0) {
                    Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
                    if (m.find()) {
                        port = Integer.parseInt(m.group(1));
                    }
                }
                if (port > 0) {
                    try {
                        HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + port + "/ready")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (ready.statusCode() == 200) {
                            return port;
                        }
                    } catch (IOException e) {
                        // not listening yet
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.shutdownNow();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new CliError("The local deployment was not ready within " + START_TIMEOUT.toSeconds() + " s. Its output:\n"
                + tail(log, 30), 1);
    }

    static JsonNode state(Session session, String endpoint, String deployment) {
        Path root = root(session, endpoint);
        Path file;
        if (deployment != null) {
            checkName("Deployment", deployment);
            file = root.resolve(deployment).resolve("state.json");
        } else {
            try (Stream<Path> children = Files.exists(root) ? Files.list(root) : Stream.empty()) {
                List<Path> states = children.map(d -> d.resolve("state.json")).filter(Files::exists).toList();
                if (states.size() != 1) {
                    throw new CliError(states.isEmpty() ? "Local endpoint '" + endpoint + "' has no deployment; "
                            + "create one with 'amlite ml online-deployment create --local ...'."
                            : "Local endpoint '" + endpoint + "' has " + states.size() + " deployments; name one with "
                            + "--deployment-name.", 1);
                }
                file = states.getFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.exists(file)) {
            throw new CliError("There is no local deployment '" + deployment + "' of endpoint '" + endpoint + "'.", 3);
        }
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String logs(Session session, String endpoint, String deployment, int lines) {
        try {
            return tail(Path.of(state(session, endpoint, deployment).path("log").asText()), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Session session, String endpoint, String deployment) {
        checkName("Deployment", deployment);
        Path directory = root(session, endpoint).resolve(deployment);
        Path stateFile = directory.resolve("state.json");
        if (Files.exists(stateFile)) {
            JsonNode state = state(session, endpoint, deployment);
            ProcessHandle.of(state.path("pid").asLong()).ifPresent(process -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                try {
                    process.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    process.destroyForcibly();
                }
            });
        }
        removeTree(directory);
    }

    private static void removeTree(Path directory) {
        if (Files.exists(directory)) {
            try (Stream<Path> walk = Files.walk(directory)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return last.isEmpty() ? "" : String.join("\n", last) + "\n";
    }

    private static void copy(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
