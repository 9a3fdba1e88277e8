package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.ml.AssetOperations;
import dev.amlite.sdk.ml.BlobTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite ml model|environment|code|data …}: versioned assets (AS-2 … AS-5), with uploads and downloads. */
final class MlAssetCommands {
    private MlAssetCommands() {
    }

    /** Options every asset command has: the workspace it works in. */
    abstract static class AssetLeaf extends Leaf {
        @Option(names = {"-w", "--workspace-name"}, description = "Workspace (default: configure --defaults workspace=).")
        String workspace;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        abstract String kind();

        String workspacePath(Session session) {
            String name = workspace != null ? workspace : session.defaultValue("workspace").orElseThrow(() ->
                    new CliError("the following arguments are required: --workspace-name/-w (or set a default with "
                            + "'amlite configure --defaults workspace=<name>')"));
            return MlCommands.workspacePath(session, group, name);
        }

        AssetOperations operations(Session session) {
            return AssetOperations.of(session.arm(), workspacePath(session), kind()).withProgress(progress(session));
        }
    }

    /** Progress on stderr, at most twice a second and once at the end, so long transfers show they move. */
    static Consumer<BlobTransfer.Progress> progress(Session session) {
        long started = System.nanoTime();
        long[] last = {0};
        return p -> {
            long now = System.nanoTime();
            boolean end = p.filesDone() == p.files();
            synchronized (last) {
                if (!end && now - last[0] < 500_000_000L) {
                    return;
                }
                last[0] = now;
            }
            double seconds = Math.max(0.001, (now - started) / 1e9);
            // The rate in the unit that fits, and only once there is a second to average over: a transfer of a few
            // small files is mostly the CLI's own start, and read "0.0 MB/s".
            String rate = seconds >= 1 ? " (" + size(Math.round(p.bytesDone() / seconds)) + "/s)" : "";
            session.err().printf("%s %d/%d files, %s of %s%s%s%n", end ? "Done:" : "Transferring",
                    p.filesDone(), p.files(), size(p.bytesDone()), size(p.bytes()), rate,
                    p.skipped() > 0 ? ", " + p.skipped() + " already there" : "");
        };
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes >= 1024 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " B";
    }

    abstract static class Create extends AssetLeaf {
        @Option(names = {"-f", "--file"}, description = "YAML file (azureml schema); paths in it are relative to it.")
        Path file;
        @Option(names = {"-n", "--name"}, description = "Name (overrides the YAML's).")
        String name;
        @Option(names = {"-v", "--version"}, description = "Version (default: the next number).")
        String version;
        @Option(names = {"-p", "--path"}, description = "Local file or folder to upload, or a datastore URI/URL.")
        String path;
        @Option(names = {"-d", "--description"}, description = "Description.")
        String description;
        @Option(names = "--tags", arity = "0..*", description = "key=value ...")
        List<String> tags;

        JsonNode yaml() {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            AssetYaml.checkFields(kind(), yaml);
            ObjectNode merged = ((ObjectNode) yaml).deepCopy();
            put(merged, "name", name);
            put(merged, "version", version);
            put(merged, "path", path);
            put(merged, "description", description);
            if (tags != null) {
                merged.set("tags", Tags.parse(tags));
            }
            if (!merged.hasNonNull("name")) {
                throw new CliError("the following arguments are required: --name/-n (or 'name' in --file)");
            }
            return merged;
        }

        /** Registers with the YAML's path: uploaded when local, referenced as is when remote. */
        JsonNode register(Session session, JsonNode yaml, ObjectNode properties, String uriMember) {
            AssetOperations ops = operations(session);
            String pathValue = yaml.path("path").asText(null);
            Path upload = null;
            if (pathValue != null && "modelUri".equals(uriMember) && MlJobCommands.namesJobFiles(pathValue)) {
                // A model from a job's run: its files are in the datastore already, where the server checks them.
                properties.put(uriMember, MlJobCommands.jobFilesUri(session, workspacePath(session), pathValue));
            } else if (pathValue != null && AssetYaml.isRemote(pathValue)) {
                properties.put(uriMember, pathValue);
            } else if (pathValue != null) {
                upload = AssetYaml.local(file == null ? null : file, pathValue);
            } else if (uriMember != null) {
                throw new CliError("the following arguments are required: --path/-p (or 'path' in --file)");
            }
            String v = yaml.hasNonNull("version") ? yaml.path("version").asText() : null;
            return AssetYaml.versionView(kind(), ops.createOrUpdate(yaml.path("name").asText(), v, properties, upload));
        }

        static void put(ObjectNode node, String member, String value) {
            if (value != null) {
                node.put(member, value);
            }
        }
    }

    /** A command on one version, named by --version or --label latest. */
    abstract static class VersionLeaf extends AssetLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;
        @Option(names = {"-v", "--version"}, description = "Version.")
        String version;
        @Option(names = {"-l", "--label"}, description = "'latest' for the most recent version.")
        String label;

        /** The version as ARM returns it. */
        JsonNode named(AssetOperations ops) {
            if (version == null && label == null) {
                throw new CliError("Give --version/-v or --label/-l latest.");
            }
            return version != null ? ops.get(name, version) : ops.resolve(name + "@" + label);
        }
    }

    abstract static class Show extends VersionLeaf {
        @Override
        JsonNode run(Session session) {
            return AssetYaml.versionView(kind(), named(operations(session)));
        }
    }

    abstract static class ListAssets extends AssetLeaf {
        @Option(names = {"-n", "--name"}, description = "List the versions of this asset (default: every asset).")
        String name;
        @Option(names = "--include-archived", description = "Include archived ones.")
        boolean includeArchived;
        @Option(names = "--archived-only", description = "Only archived ones.")
        boolean archivedOnly;
        @Option(names = {"-r", "--max-results"}, description = "At most this many (of versions, the newest).")
        Integer max;

        @Override
        JsonNode run(Session session) {
            String view = MlCommands.listViewType(includeArchived, archivedOnly);
            ArrayNode result = Json.MAPPER.createArrayNode();
            for (JsonNode item : operations(session).list(name, view, MlCommands.maxResults(max))) {
                result.add(name == null ? AssetYaml.containerView(item) : AssetYaml.versionView(kind(), item));
            }
            return result;
        }

        @Override
        List<Column> columns() {
            return name == null ? List.of(Column.of("Name", "name"), Column.of("LatestVersion", "latest_version"),
                    Column.of("Description", "description"))
                    : List.of(Column.of("Name", "name"), Column.of("Version", "version"),
                    Column.of("Description", "description"), Column.of("CreatedAt", "creation_context.created_at"));
        }
    }

    abstract static class Archive extends AssetLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;
        @Option(names = {"-v", "--version"}, description = "Version (default: the whole asset).")
        String version;

        abstract boolean archived();

        @Override
        JsonNode run(Session session) {
            operations(session).setArchived(name, version, archived());
            return null;
        }
    }

    /** az ml's {@code update --set/--remove}: what may change of a version (its content never does). */
    abstract static class Update extends VersionLeaf {
        @Option(names = "--set", arity = "1..*", description = "description=<text>, tags.<key>=<value>"
                + " (and stage=<stage> for models)")
        List<String> set;
        @Option(names = "--remove", arity = "1..*", description = "tags.<key>, or description")
        List<String> remove;

        boolean hasStage() {
            return false;
        }

        @Override
        JsonNode run(Session session) {
            if ((set == null || set.isEmpty()) && (remove == null || remove.isEmpty())) {
                throw new CliError("Nothing to change: give --set " + settable() + " or --remove tags.<key>.", 2);
            }
            AssetOperations ops = operations(session);
            String v = version != null ? version : named(ops).path("name").asText();
            return AssetYaml.versionView(kind(), ops.update(name, v, this::change));
        }

        private String settable() {
            return "description=<text>, tags.<key>=<value>" + (hasStage() ? ", stage=<stage>" : "");
        }

        private void change(ObjectNode props) {
            for (String assignment : set == null ? List.<String>of() : set) {
                int equals = assignment.indexOf('=');
                String key = equals <= 0 ? "" : assignment.substring(0, equals);
                String value = assignment.substring(equals + 1);
                if (key.equals("description") || (key.equals("stage") && hasStage())) {
                    props.put(key, value);
                } else if (key.startsWith("tags.") && key.length() > 5) {
                    tags(props).put(key.substring(5), value);
                } else {
                    throw new CliError("--set takes " + settable() + "; '" + assignment + "' is not one (what a "
                            + "version holds never changes: register a new version).", 2);
                }
            }
            for (String key : remove == null ? List.<String>of() : remove) {
                if (key.equals("description")) {
                    props.remove("description");
                } else if (key.startsWith("tags.") && key.length() > 5) {
                    tags(props).remove(key.substring(5));
                } else {
                    throw new CliError("--remove takes tags.<key> or description; '" + key + "' is not one.", 2);
                }
            }
        }

        private static ObjectNode tags(ObjectNode props) {
            if (!props.path("tags").isObject()) {
                props.putObject("tags");
            }
            return (ObjectNode) props.get("tags");
        }
    }

    // --- models

    @Command(name = "model", description = "Manage Azure ML models.", subcommands = {ModelCreate.class, ModelShow.class,
            ModelList.class, ModelDownload.class, ModelUpdate.class, ModelArchive.class, ModelRestore.class})
    static final class Model {
    }

    @Command(name = "create", description = "Register a model, uploading its files from --path.")
    static final class ModelCreate extends Create {
        @Option(names = {"-t", "--type"}, description = "custom_model (default), mlflow_model or triton_model.")
        String type;

        @Override
        String kind() {
            return "model";
        }

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = yaml();
            ObjectNode properties = AssetYaml.commonProperties(yaml);
            String given = type != null ? type : yaml.path("type").asText("custom_model");
            String modelType = AssetYaml.MODEL_TYPES.get(given);
            if (modelType == null) {
                throw new CliError("The model type must be custom_model, mlflow_model or triton_model; '" + given
                        + "' was given.", 1);
            }
            properties.put("modelType", modelType);
            if (yaml.hasNonNull("stage")) {
                properties.put("stage", yaml.path("stage").asText());
            }
            if (yaml.has("flavors")) {
                properties.set("flavors", yaml.get("flavors"));
            }
            return register(session, yaml, properties, "modelUri");
        }
    }

    @Command(name = "show", description = "Show a model version.")
    static final class ModelShow extends Show {
        @Override
        String kind() {
            return "model";
        }
    }

    @Command(name = "list", description = "List models, or the versions of one.")
    static final class ModelList extends ListAssets {
        @Override
        String kind() {
            return "model";
        }
    }

    @Command(name = "download", description = "Download a model version's files to <download-path>/<name>/.")
    static final class ModelDownload extends AssetLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;
        @Option(names = {"-v", "--version"}, required = true, description = "Version.")
        String version;
        @Option(names = {"-p", "--download-path"}, description = "Where to put the files (default: current folder).")
        Path downloadPath;

        @Override
        String kind() {
            return "model";
        }

        @Override
        JsonNode run(Session session) {
            List<Path> files = operations(session).download(name, version, downloadPath == null ? Path.of(".") : downloadPath);
            session.err().println("Downloaded " + files.size() + " file(s) to "
                    + (downloadPath == null ? Path.of(".") : downloadPath).resolve(name).toAbsolutePath().normalize());
            return null;
        }
    }

    @Command(name = "update", description = "Change a model version's description or tags (or stage).")
    static final class ModelUpdate extends Update {
        @Override
        String kind() {
            return "model";
        }

        @Override
        boolean hasStage() {
            return true;
        }
    }

    @Command(name = "archive", description = "Archive a model version (or the whole model): hidden from lists.")
    static final class ModelArchive extends Archive {
        @Override
        String kind() {
            return "model";
        }

        @Override
        boolean archived() {
            return true;
        }
    }

    @Command(name = "restore", description = "Restore an archived model version (or the whole model).")
    static final class ModelRestore extends Archive {
        @Override
        String kind() {
            return "model";
        }

        @Override
        boolean archived() {
            return false;
        }
    }

    // --- environments

    @Command(name = "environment", description = "Manage Azure ML environments.", subcommands = {EnvironmentCreate.class,
            EnvironmentShow.class, EnvironmentList.class, EnvironmentUpdate.class, EnvironmentArchive.class,
            EnvironmentRestore.class})
    static final class Environment {
    }

    @Command(name = "create", description = "Register an environment: an image (with a conda file) or a build context.")
    static final class EnvironmentCreate extends Create {
        @Option(names = {"-i", "--image"}, description = "Docker image.")
        String image;
        @Option(names = {"-c", "--conda-file"}, description = "Conda YAML file.")
        Path condaFile;
        @Option(names = {"-b", "--build-context"}, description = "Folder with a Dockerfile to upload.")
        Path buildContext;
        @Option(names = "--dockerfile-path", description = "Dockerfile inside the build context (default Dockerfile).")
        String dockerfilePath;

        @Override
        String kind() {
            return "environment";
        }

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = yaml();
            ObjectNode properties = AssetYaml.commonProperties(yaml);
            String imageValue = image != null ? image : yaml.path("image").asText(null);
            if (imageValue != null) {
                properties.put("image", imageValue);
            }
            Path conda = condaFile != null ? condaFile
                    : yaml.hasNonNull("conda_file") ? AssetYaml.local(file, yaml.path("conda_file").asText()) : null;
            if (conda != null) {
                try {
                    properties.put("condaFile", Files.readString(conda));
                } catch (java.io.IOException e) {
                    throw new CliError("Cannot read the conda file " + conda + ": " + e.getMessage(), 1);
                }
            }
            if (yaml.hasNonNull("os_type")) {
                String os = yaml.path("os_type").asText();
                properties.put("osType", os.substring(0, 1).toUpperCase() + os.substring(1).toLowerCase());
            }
            if (yaml.has("inference_config")) {
                properties.set("inferenceConfig", yaml.get("inference_config"));
            }
            Path context = buildContext != null ? buildContext
                    : yaml.path("build").hasNonNull("path") ? AssetYaml.local(file, yaml.path("build").path("path").asText()) : null;
            AssetOperations ops = operations(session);
            String envName = yaml.path("name").asText();
            // Without a version the SDK numbers it (the next free one, even with other registrations at once).
            String v = yaml.hasNonNull("version") ? yaml.path("version").asText() : null;
            if (context != null) {
                // Build contexts are stored like code: once per content, whatever version they end up in.
                String uploadVersion = v != null ? v : ops.container(envName)
                        .map(c -> c.path("properties").path("nextVersion").asText("1")).orElse("1");
                String uri = AssetOperations.of(session.arm(), workspacePath(session), "code")
                        .withProgress(progress(session)).upload(envName, uploadVersion, context);
                properties.putObject("build").put("contextUri", uri).put("dockerfilePath", dockerfilePath != null
                        ? dockerfilePath : yaml.path("build").path("dockerfile_path").asText("Dockerfile"));
            }
            return AssetYaml.versionView(kind(), ops.createOrUpdate(envName, v, properties, null));
        }
    }

    @Command(name = "show", description = "Show an environment version.")
    static final class EnvironmentShow extends Show {
        @Override
        String kind() {
            return "environment";
        }
    }

    @Command(name = "list", description = "List environments, or the versions of one.")
    static final class EnvironmentList extends ListAssets {
        @Override
        String kind() {
            return "environment";
        }
    }

    @Command(name = "update", description = "Change a environment version's description or tags.")
    static final class EnvironmentUpdate extends Update {
        @Override
        String kind() {
            return "environment";
        }
    }

    @Command(name = "archive", description = "Archive an environment version (or the whole environment).")
    static final class EnvironmentArchive extends Archive {
        @Override
        String kind() {
            return "environment";
        }

        @Override
        boolean archived() {
            return true;
        }
    }

    @Command(name = "restore", description = "Restore an archived environment version (or the whole environment).")
    static final class EnvironmentRestore extends Archive {
        @Override
        String kind() {
            return "environment";
        }

        @Override
        boolean archived() {
            return false;
        }
    }

    // --- code

    @Command(name = "code", description = "Manage uploaded code (stored once per content hash).",
            subcommands = {CodeCreate.class, CodeShow.class, CodeList.class})
    static final class Code {
    }

    @Command(name = "create", description = "Upload a code folder and register it.")
    static final class CodeCreate extends Create {
        @Override
        String kind() {
            return "code";
        }

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = yaml();
            return register(session, yaml, AssetYaml.commonProperties(yaml), "codeUri");
        }
    }

    @Command(name = "show", description = "Show a code version.")
    static final class CodeShow extends Show {
        @Override
        String kind() {
            return "code";
        }
    }

    @Command(name = "list", description = "List code assets, or the versions of one.")
    static final class CodeList extends ListAssets {
        @Override
        String kind() {
            return "code";
        }
    }

    // --- data

    @Command(name = "data", description = "Manage data assets.", subcommands = {DataCreate.class, DataShow.class,
            DataList.class, DataUpdate.class, DataArchive.class, DataRestore.class})
    static final class Data {
    }

    @Command(name = "create", description = "Register a data asset: a datastore path, a URL, or local files to upload.")
    static final class DataCreate extends Create {
        @Option(names = {"-t", "--type"}, description = "uri_file (default), uri_folder or mltable.")
        String type;

        @Override
        String kind() {
            return "data";
        }

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = yaml();
            ObjectNode properties = AssetYaml.commonProperties(yaml);
            properties.put("dataType", type != null ? type : yaml.path("type").asText("uri_file"));
            return register(session, yaml, properties, "dataUri");
        }
    }

    @Command(name = "show", description = "Show a data asset version.")
    static final class DataShow extends Show {
        @Override
        String kind() {
            return "data";
        }
    }

    @Command(name = "list", description = "List data assets, or the versions of one.")
    static final class DataList extends ListAssets {
        @Override
        String kind() {
            return "data";
        }
    }

    @Command(name = "update", description = "Change a data asset version's description or tags.")
    static final class DataUpdate extends Update {
        @Override
        String kind() {
            return "data";
        }
    }

    @Command(name = "archive", description = "Archive a data asset version (or the whole asset).")
    static final class DataArchive extends Archive {
        @Override
        String kind() {
            return "data";
        }

        @Override
        boolean archived() {
            return true;
        }
    }

    @Command(name = "restore", description = "Restore an archived data asset version (or the whole asset).")
    static final class DataRestore extends Archive {
        @Override
        String kind() {
            return "data";
        }

        @Override
        boolean archived() {
            return false;
        }
    }
}
