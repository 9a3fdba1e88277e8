package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.ml.AssetOperations;
import dev.amlite.sdk.ml.BlobTransfer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code amlite ml job …} (CP-2): command jobs from the azureml YAML (local code and input folders uploaded first,
 * as az ml does), their logs followed with {@code --stream}, cancel, and download of outputs and logs. Shapes are
 * az ml's (snake_case).
 */
final class MlJobCommands {
    static final List<Column> COLUMNS = List.of(Column.of("Name", "name"), Column.of("DisplayName", "display_name"),
            Column.of("Status", "status"), Column.of("Compute", "compute"), Column.of("Experiment", "experiment_name"));
    private static final Set<String> YAML_FIELDS = Set.of("$schema", "name", "type", "command", "code", "environment",
            "compute", "inputs", "outputs", "environment_variables", "experiment_name", "display_name", "description",
            "tags", "resources", "limits");
    /** az ml job fields amlite does not run, with why: refused rather than silently ignored. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "distribution", "distributed (multi-node) training is not supported yet; run one process per job",
            "services", "interactive job services (Jupyter, SSH, TensorBoard) are not supported",
            "identity", "job identities are not supported; a job reaches the server with its submitter's token",
            "queue_settings", "queue priorities and tiers are not supported; jobs wait in submission order");
    private static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Canceled");
    private static final Pattern JOB_ARTIFACTS = Pattern.compile(
            "azureml://jobs/([^/]+)/outputs/artifacts(?:/paths)?(?:/(.*))?|runs:/([^/]+)(?:/(.*))?");
    private static final Pattern JOB_OUTPUT = Pattern.compile(
            "azureml://jobs/([^/]+)/outputs/([^/]+)(?:/paths)?(?:/(.*))?");

    private MlJobCommands() {
    }

    @Command(name = "job", description = "Manage Azure ML jobs.", subcommands = {Create.class, Show.class,
            ListCommand.class, Update.class, Archive.class, Restore.class, Cancel.class, Stream.class, Download.class})
    static final class Job {
    }

    abstract static class JobLeaf extends MlEndpointCommands.EndpointLeaf {
        String jobPath(Session session, String name) {
            return workspacePath(session) + "/jobs/" + name;
        }
    }

    static ObjectNode view(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("display_name", p.path("displayName").asText(null));
        view.put("status", p.path("status").asText());
        view.put("type", p.path("jobType").asText("Command").toLowerCase(Locale.ROOT));
        view.put("experiment_name", p.path("experimentName").asText(null));
        view.put("command", p.path("command").asText(null));
        view.put("code", ref(p.path("codeId").asText(null)));
        view.put("environment", ref(p.path("environmentId").asText(null)));
        String compute = p.path("computeId").asText(null);
        view.put("compute", compute == null ? null : "azureml:" + compute.substring(compute.lastIndexOf('/') + 1));
        if (p.hasNonNull("description")) {
            view.put("description", p.path("description").asText());
        }
        view.put("archived", p.path("isArchived").asBoolean(false));
        ObjectNode inputs = view.putObject("inputs");
        p.path("inputs").fields().forEachRemaining(e -> {
            JsonNode input = e.getValue();
            if (input.path("jobInputType").asText("literal").equals("literal")) {
                inputs.put(e.getKey(), input.path("value").asText());
            } else {
                inputs.putObject(e.getKey()).put("type", input.path("jobInputType").asText())
                        .put("path", ref(input.path("uri").asText())).put("mode", mode(input.path("mode").asText()));
            }
        });
        ObjectNode outputs = view.putObject("outputs");
        p.path("outputs").fields().forEachRemaining(e -> {
            ObjectNode output = outputs.putObject(e.getKey());
            output.put("type", e.getValue().path("jobOutputType").asText("uri_folder"));
            output.put("mode", mode(e.getValue().path("mode").asText("ReadWriteMount")));
            if (e.getValue().hasNonNull("uri")) {
                output.put("path", e.getValue().path("uri").asText());
            }
        });
        view.set("environment_variables", p.path("environmentVariables").isObject() ? p.get("environmentVariables")
                : Json.object());
        ObjectNode services = view.putObject("services");
        p.path("services").fields().forEachRemaining(e -> services.putObject(e.getKey())
                .put("endpoint", e.getValue().path("endpoint").asText()).put("type",
                        e.getValue().path("jobServiceType").asText().toLowerCase(Locale.ROOT)));
        ObjectNode creation = view.putObject("creation_context");
        creation.put("created_at", arm.path("systemData").path("createdAt").asText(null));
        creation.put("created_by", arm.path("systemData").path("createdBy").asText(null));
        if (p.has("amliteTimes")) {
            view.set("status_times", p.get("amliteTimes"));
        }
        if (p.hasNonNull("waitingFor")) {
            view.put("waiting_for", p.path("waitingFor").asText());
        }
        if (p.has("exitCode")) {
            view.put("exit_code", p.path("exitCode").asInt());
        }
        if (p.has("error")) {
            view.set("error", p.get("error"));
        }
        if (p.has("mlflow")) {
            view.set("metrics", p.path("mlflow").path("metrics"));
            view.set("params", p.path("mlflow").path("params"));
        }
        view.put("id", arm.path("id").asText());
        String[] parts = arm.path("id").asText().split("/");
        view.put("resourceGroup", parts.length > 4 ? parts[4] : null);
        view.set("tags", arm.path("tags").isObject() ? arm.get("tags") : Json.object());
        return view;
    }

    private static String mode(String arm) {
        return switch (arm) {
            case "ReadOnlyMount" -> "ro_mount";
            case "ReadWriteMount" -> "rw_mount";
            case "Download" -> "download";
            case "Upload" -> "upload";
            case "Direct" -> "direct";
            default -> arm.toLowerCase(Locale.ROOT);
        };
    }

    private static String armMode(String yaml, String otherwise) {
        if (yaml == null) {
            return otherwise;
        }
        return switch (yaml.toLowerCase(Locale.ROOT)) {
            case "ro_mount" -> "ReadOnlyMount";
            case "rw_mount" -> "ReadWriteMount";
            case "download" -> "Download";
            case "upload" -> "Upload";
            case "direct" -> "Direct";
            default -> throw new CliError("mode '" + yaml + "' is not one of ro_mount, rw_mount, download, upload, "
                    + "direct.", 1);
        };
    }

    private static String ref(String id) {
        return id == null ? null : id.startsWith("azureml:") || !id.startsWith("/") ? id : "azureml:" + id;
    }

    /** The ARM body of a command job from its YAML; local code and input paths are uploaded first. */
    static ObjectNode body(Session session, String workspacePath, JsonNode yaml, Path file) {
        Iterator<String> names = yaml.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (UNSUPPORTED.containsKey(field)) {
                throw new CliError("The job YAML's '" + field + "': " + UNSUPPORTED.get(field) + ".", 1);
            }
            if (!YAML_FIELDS.contains(field)) {
                List<String> allowed = new ArrayList<>(YAML_FIELDS);
                allowed.sort(String::compareTo);
                throw new CliError("The job YAML has an unknown field '" + field + "'. Allowed fields: "
                        + String.join(", ", allowed) + ".", 1);
            }
        }
        String type = yaml.path("type").asText("command");
        if (!type.equals("command")) {
            throw new CliError("Job type '" + type + "' is not supported; amlite runs command jobs (type: command).", 1);
        }
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("jobType", "Command");
        p.put("command", yaml.path("command").asText(null));
        String code = yaml.path("code").asText(null);
        if (code != null) {
            AssetOperations codes = AssetOperations.of(session.arm(), workspacePath, "code");
            p.put("codeId", AssetYaml.isRemote(code) ? codes.pinned(code) : codes
                    .withProgress(MlAssetCommands.progress(session)).createAnonymous(AssetYaml.local(file, code),
                            Json.object()).path("id").asText());
        }
        String environment = MlEndpointCommands.environmentId(session, workspacePath, yaml.path("environment"), file);
        if (environment != null) {
            p.put("environmentId", environment);
        }
        String compute = yaml.path("compute").asText(null);
        if (compute != null) {
            String name = compute.startsWith("azureml:") ? compute.substring(8) : compute;
            p.put("computeId", name.startsWith("/") ? name : workspacePath + "/computes/" + name);
        }
        ObjectNode inputs = p.putObject("inputs");
        yaml.path("inputs").fields().forEachRemaining(e -> inputs.set(e.getKey(), input(session, workspacePath, file,
                e.getKey(), e.getValue())));
        ObjectNode outputs = p.putObject("outputs");
        yaml.path("outputs").fields().forEachRemaining(e -> {
            ObjectNode output = outputs.putObject(e.getKey());
            JsonNode given = e.getValue();
            output.put("jobOutputType", given.path("type").asText("uri_folder"));
            output.put("mode", armMode(given.path("mode").asText(null), "ReadWriteMount"));
        });
        if (yaml.has("environment_variables")) {
            ObjectNode variables = p.putObject("environmentVariables");
            yaml.get("environment_variables").fields().forEachRemaining(e -> variables.put(e.getKey(),
                    e.getValue().asText()));
        }
        for (Map.Entry<String, String> field : Map.of("experiment_name", "experimentName", "display_name", "displayName",
                "description", "description").entrySet()) {
            if (yaml.hasNonNull(field.getKey())) {
                p.put(field.getValue(), yaml.path(field.getKey()).asText());
            }
        }
        if (yaml.has("tags")) {
            p.set("tags", yaml.get("tags"));
        }
        JsonNode resources = yaml.path("resources");
        if (resources.isObject()) {
            ObjectNode shown = p.putObject("resources");
            if (resources.has("instance_count")) {
                shown.set("instanceCount", resources.get("instance_count"));
            }
            if (resources.has("instance_type")) {
                shown.put("instanceType", resources.path("instance_type").asText());
            }
        }
        JsonNode timeout = yaml.path("limits").path("timeout");
        if (!timeout.isMissingNode()) {
            if (!timeout.canConvertToLong() || !timeout.isIntegralNumber() || timeout.asLong() <= 0) {
                throw new CliError("limits.timeout is the job's longest run in seconds (a whole number above 0); got '"
                        + timeout.asText() + "'.", 1);
            }
            p.putObject("limits").put("jobLimitsType", "Command").put("timeout",
                    java.time.Duration.ofSeconds(timeout.asLong()).toString());
        }
        return body;
    }

    private static JsonNode input(Session session, String workspacePath, Path file, String name, JsonNode given) {
        ObjectNode input = Json.object();
        if (!given.isObject()) {
            return input.put("jobInputType", "literal").put("value", given.asText());
        }
        String type = given.path("type").asText("uri_folder");
        if (given.has("value")) {
            return input.put("jobInputType", "literal").put("value", given.path("value").asText());
        }
        String path = given.path("path").asText(null);
        if (path == null) {
            throw new CliError("Input '" + name + "' needs a path (a local file or folder, azureml://datastores/..., "
                    + "or azureml:<data asset>:<version>) or a value.", 1);
        }
        input.put("jobInputType", type);
        input.put("mode", armMode(given.path("mode").asText(null), "ReadOnlyMount"));
        if (AssetYaml.isRemote(path)) {
            input.put("uri", AssetOperations.of(session.arm(), workspacePath, "data").pinned(path));
        } else {
            ObjectNode properties = Json.object().put("dataType", type.equals("uri_file") ? "uri_file" : "uri_folder");
            JsonNode data = AssetOperations.of(session.arm(), workspacePath, "data")
                    .withProgress(MlAssetCommands.progress(session)).createAnonymous(AssetYaml.local(file, path), properties);
            input.put("uri", data.path("id").asText());
        }
        return input;
    }

    @Command(name = "create", description = "Submit a command job from its YAML.")
    static final class Create extends JobLeaf {
        @Option(names = {"-f", "--file"}, required = true, description = "Job YAML (commandJob schema).")
        Path file;
        @Option(names = {"-n", "--name"}, description = "Job name (default: the YAML's, or a new one).")
        String name;
        @Option(names = {"-s", "--stream"}, description = "Follow the job's log until it ends.")
        boolean stream;
        @Option(names = "--set", description = "display_name=, experiment_name=, description=, compute= over the YAML.")
        List<String> set = new ArrayList<>();

        @Override
        JsonNode run(Session session) {
            ObjectNode yaml = (ObjectNode) Yaml.read(file);
            for (String assignment : set) {
                int equals = assignment.indexOf('=');
                String key = equals < 0 ? assignment : assignment.substring(0, equals);
                if (equals < 0 || !Set.of("display_name", "experiment_name", "description", "compute", "command")
                        .contains(key)) {
                    throw new CliError("--set takes display_name=, experiment_name=, description=, compute= or "
                            + "command=; '" + assignment + "' is not one.", 2);
                }
                yaml.put(key, assignment.substring(equals + 1));
            }
            String job = name != null ? name : yaml.path("name").asText(null);
            if (job == null) {
                job = adjectiveName();
            }
            String path = jobPath(session, job);
            JsonNode created = session.send("PUT", path, MlCommands.ML_API, body(session, workspacePath(session), yaml, file));
            if (!stream) {
                return view(created);
            }
            follow(session, path, job);
            return null;
        }
    }

    /** A name like az ml's generated ones (lowercase words and a suffix); unique enough for one workspace. */
    static String adjectiveName() {
        String[] first = {"amber", "brave", "calm", "eager", "frosty", "gentle", "jolly", "keen", "lucid", "mellow",
                "nimble", "plucky", "quiet", "rapid", "sunny", "tidy"};
        String[] second = {"apple", "basket", "cloud", "drum", "engine", "garden", "harbor", "island", "lemon",
                "orbit", "pepper", "river", "spoon", "tiger", "wagon", "yarn"};
        UUID id = UUID.randomUUID();
        return first[(int) (id.getMostSignificantBits() >>> 60)] + "_" + second[(int) (id.getLeastSignificantBits() >>> 60)]
                + "_" + Long.toString(id.getMostSignificantBits() & 0xffffffffL, 36);
    }

    /** Prints the log as it grows until the job ends; a failed or canceled job is an error (exit code 1). */
    static void follow(Session session, String path, String job) {
        long offset = 0;
        System.out.println("RunId: " + job);
        System.out.println();
        String status;
        while (true) {
            JsonNode chunk = session.send("POST", path + "/readLogs", MlCommands.ML_API,
                    Json.object().put("offset", offset));
            String content = chunk.path("content").asText("");
            System.out.print(content);
            System.out.flush();
            offset = chunk.path("nextOffset").asLong(offset);
            status = chunk.path("status").asText();
            if (TERMINAL.contains(status) && content.isEmpty()) {
                break;
            }
            if (content.isEmpty()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        JsonNode shown = view(session.send("GET", path, MlCommands.ML_API, null));
        System.out.println();
        System.out.println("Execution Summary");
        System.out.println("=================");
        System.out.println("RunId: " + job);
        System.out.println("Status: " + status);
        if (!status.equals("Completed")) {
            String message = shown.path("error").path("message").asText("The job ended " + status + ".");
            throw new CliError("(" + shown.path("error").path("code").asText("Job" + status) + ") " + message, 1);
        }
    }

    @Command(name = "show", description = "Show a job (with its MLflow metrics and params).")
    static final class Show extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return view(session.send("GET", jobPath(session, name), MlCommands.ML_API, null));
        }
    }

    @Command(name = "list", description = "List the jobs of a workspace, newest first (archived ones only if asked).")
    static final class ListCommand extends JobLeaf {
        @Option(names = {"-r", "--max-results"}, description = "At most this many (the newest).")
        Integer max;
        @Option(names = "--include-archived", description = "Include archived jobs.")
        boolean includeArchived;
        @Option(names = "--archived-only", description = "Only archived jobs.")
        boolean archivedOnly;

        @Override
        JsonNode run(Session session) {
            String view = MlCommands.listViewType(includeArchived, archivedOnly);
            // The server lists newest first, and with --max-results makes only those ($top).
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (JsonNode item : session.list(workspacePath(session) + "/jobs", MlCommands.ML_API,
                    Map.of("listViewType", view), MlCommands.maxResults(max))) {
                out.add(view(item));
            }
            return out;
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "update", description = "Change a job's display name, description or tags.")
    static final class Update extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;
        @Option(names = "--set", description = "display_name=, description=, tags.<key>=.")
        List<String> set = new ArrayList<>();

        @Override
        JsonNode run(Session session) {
            String path = jobPath(session, name);
            JsonNode current = session.send("GET", path, MlCommands.ML_API, null);
            ObjectNode body = Json.object();
            ObjectNode p = body.putObject("properties");
            ObjectNode tags = current.path("properties").path("tags").isObject()
                    ? (ObjectNode) current.path("properties").get("tags").deepCopy() : Json.object();
            for (String assignment : set) {
                int equals = assignment.indexOf('=');
                String key = equals < 0 ? assignment : assignment.substring(0, equals);
                String value = equals < 0 ? "" : assignment.substring(equals + 1);
                if (key.equals("display_name")) {
                    p.put("displayName", value);
                } else if (key.equals("description")) {
                    p.put("description", value);
                } else if (key.startsWith("tags.")) {
                    tags.put(key.substring(5), value);
                } else {
                    throw new CliError("--set can change display_name, description and tags.<key> of a job; '" + key
                            + "' is not settable.", 2);
                }
            }
            p.set("tags", tags);
            return view(session.send("PUT", path, MlCommands.ML_API, body));
        }
    }

    /** az ml's {@code job archive} and {@code job restore}: the job stays (with its logs and metrics), only lists change. */
    abstract static class ArchiveLeaf extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;

        abstract boolean archived();

        @Override
        JsonNode run(Session session) {
            String path = jobPath(session, name);
            session.send("GET", path, MlCommands.ML_API, null); // a job that is not there: its own 404, not the PUT's
            ObjectNode body = Json.object();
            body.putObject("properties").put("isArchived", archived());
            session.send("PUT", path, MlCommands.ML_API, body);
            return null;
        }
    }

    @Command(name = "archive", description = "Archive a job: hidden from 'job list' (see --include-archived), kept.")
    static final class Archive extends ArchiveLeaf {
        @Override
        boolean archived() {
            return true;
        }
    }

    @Command(name = "restore", description = "Restore an archived job to 'job list'.")
    static final class Restore extends ArchiveLeaf {
        @Override
        boolean archived() {
            return false;
        }
    }

    @Command(name = "cancel", description = "Cancel a job (its whole process tree is stopped).")
    static final class Cancel extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;

        @Override
        JsonNode run(Session session) {
            String path = jobPath(session, name);
            session.send("POST", path + "/cancel", MlCommands.ML_API, null);
            for (int i = 0; i < 120; i++) {
                JsonNode job = session.send("GET", path, MlCommands.ML_API, null);
                if (TERMINAL.contains(job.path("properties").path("status").asText())) {
                    return view(job);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return view(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "stream", description = "Follow a job's log until it ends.")
    static final class Stream extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;

        @Override
        JsonNode run(Session session) {
            follow(session, jobPath(session, name), name);
            return null;
        }
    }

    @Command(name = "download", description = "Download a job's outputs (named-outputs/) and logs (artifacts/).")
    static final class Download extends JobLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Job name.")
        String name;
        @Option(names = {"-p", "--download-path"}, description = "Folder (default: the current one).")
        Path destination;
        @Option(names = "--output-name", description = "Only this output.")
        String output;
        @Option(names = "--all", description = "Every output and the logs (the default without --output-name).")
        boolean all;

        @Override
        JsonNode run(Session session) {
            Path base = (destination == null ? Path.of(".") : destination).toAbsolutePath().resolve(name);
            JsonNode references = session.send("POST", jobPath(session, name) + "/getOutputReferences",
                    MlCommands.ML_API, null);
            BlobTransfer transfer = new BlobTransfer(session.arm().http(), MlAssetCommands.progress(session), 4);
            ArrayNode files = Json.MAPPER.createArrayNode();
            if (output != null && !references.path("outputs").has(output)) {
                throw new CliError("Job '" + name + "' has no stored output '" + output + "'; it has "
                        + iterable(references.path("outputs").fieldNames()) + ".", 1);
            }
            references.path("outputs").fields().forEachRemaining(e -> {
                if (output == null || output.equals(e.getKey())) {
                    transfer.download(e.getValue().path("sasUri").asText(), base.resolve("named-outputs"))
                            .forEach(f -> files.add(f.toString()));
                }
            });
            if (output == null && references.has("logs")) {
                transfer.download(references.path("logs").path("sasUri").asText(), base.resolve("artifacts"))
                        .forEach(f -> files.add(f.toString()));
            }
            // The MLflow run's artifacts folder is itself named "artifacts": beside the logs, not inside another.
            if (output == null && references.has("artifacts")) {
                transfer.download(references.path("artifacts").path("sasUri").asText(), base)
                        .forEach(f -> files.add(f.toString()));
            }
            return files;
        }

        private static List<String> iterable(Iterator<String> names) {
            List<String> list = new ArrayList<>();
            names.forEachRemaining(list::add);
            return list;
        }
    }

    /** Whether {@code path} names what a job made: its MLflow run's artifacts or one of its outputs. */
    static boolean namesJobFiles(String path) {
        return path.startsWith("azureml://jobs/") || path.startsWith("runs:/");
    }

    /**
     * The datastore URI of what a job made, as az ml takes it for a model's path:
     * {@code azureml://jobs/<job>/outputs/artifacts/paths/<path>} and MLflow's {@code runs:/<job>/<path>} (what the
     * job's MLflow run logged), {@code azureml://jobs/<job>/outputs/<output>[/paths/<path>]} (a named output).
     */
    static String jobFilesUri(Session session, String workspacePath, String path) {
        Matcher artifacts = JOB_ARTIFACTS.matcher(path);
        Matcher output = JOB_OUTPUT.matcher(path);
        String job;
        String member;
        String rest;
        if (artifacts.matches()) {
            job = artifacts.group(1) != null ? artifacts.group(1) : artifacts.group(3);
            member = "artifacts";
            rest = artifacts.group(1) != null ? artifacts.group(2) : artifacts.group(4);
        } else if (output.matches()) {
            job = output.group(1);
            member = output.group(2);
            rest = output.group(3);
        } else {
            throw new CliError("'" + path + "' names no job's files: give azureml://jobs/<job>/outputs/artifacts/paths/"
                    + "<path>, azureml://jobs/<job>/outputs/<output>[/paths/<path>] or runs:/<job>/<path>.", 1);
        }
        JsonNode references = session.send("POST", workspacePath + "/jobs/" + job + "/getOutputReferences",
                MlCommands.ML_API, null);
        JsonNode found = member.equals("artifacts") ? references.path("artifacts")
                : references.path("outputs").path(member);
        if (!found.hasNonNull("uri")) {
            List<String> outputs = new ArrayList<>();
            references.path("outputs").fieldNames().forEachRemaining(outputs::add);
            throw new CliError(member.equals("artifacts")
                    ? "Job '" + job + "' has logged no MLflow artifacts (mlflow.log_artifact, log_model) to take '"
                            + path + "' from."
                    : "Job '" + job + "' has no stored output '" + member + "'; it has " + outputs + ".", 1);
        }
        String uri = found.path("uri").asText().replaceAll("/+$", "");
        return rest == null || rest.isBlank() ? uri : uri + "/" + rest.replaceAll("^/+|/+$", "");
    }
}
