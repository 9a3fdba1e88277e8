package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.ml.DatastoreOperations;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite ml datastore …} (AS-1): register, show, list, update credentials, unregister. */
@Command(name = "datastore", description = "Manage Azure ML datastores.", subcommands = {MlDatastoreCommands.Create.class,
        MlDatastoreCommands.Show.class, MlDatastoreCommands.ListCommand.class, MlDatastoreCommands.Update.class,
        MlDatastoreCommands.Delete.class})
final class MlDatastoreCommands {
    abstract static class DatastoreLeaf extends Leaf {
        @Option(names = {"-w", "--workspace-name"}, description = "Workspace (default: configure --defaults workspace=).")
        String workspace;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        DatastoreOperations datastores(Session session) {
            String name = workspace != null ? workspace : session.defaultValue("workspace").orElseThrow(() ->
                    new CliError("the following arguments are required: --workspace-name/-w"));
            return DatastoreOperations.of(session.arm(), MlCommands.workspacePath(session, group, name));
        }
    }

    @Command(name = "create", description = "Register a datastore from a YAML file (azureml datastore schema).")
    static final class Create extends DatastoreLeaf {
        @Option(names = {"-f", "--file"}, required = true, description = "Datastore YAML.")
        Path file;
        @Option(names = {"-n", "--name"}, description = "Name (overrides the YAML's).")
        String name;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = Yaml.read(file);
            String datastore = name != null ? name : yaml.path("name").asText(null);
            if (datastore == null) {
                throw new CliError("the following arguments are required: --name/-n (or 'name' in --file)");
            }
            return AssetYaml.datastoreView(datastores(session).createOrUpdate(datastore,
                    AssetYaml.datastoreProperties(yaml, null)));
        }
    }

    @Command(name = "show", description = "Show a datastore (never its credentials).")
    static final class Show extends DatastoreLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return AssetYaml.datastoreView(datastores(session).get(name));
        }
    }

    @Command(name = "list", description = "List datastores (never their credentials).")
    static final class ListCommand extends DatastoreLeaf {
        @Override
        JsonNode run(Session session) {
            ArrayNode result = Json.MAPPER.createArrayNode();
            datastores(session).list().forEach(d -> result.add(AssetYaml.datastoreView(d)));
            return result;
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Type", "type"), Column.of("AccountName", "account_name"),
                    Column.of("IsDefault", "is_default"));
        }
    }

    @Command(name = "update", description = "Update a datastore, e.g. --set credentials.account_key=<key> (seed 000).")
    static final class Update extends DatastoreLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;
        @Option(names = "--set", arity = "1..*", description = "path=value on the datastore's YAML view, e.g. "
                + "credentials.account_key=..., description=..., is_default=true.")
        List<String> set;
        @Option(names = {"-f", "--file"}, description = "Datastore YAML with the new settings.")
        Path file;

        @Override
        JsonNode run(Session session) {
            DatastoreOperations ops = datastores(session);
            JsonNode current = ops.get(name);
            ObjectNode view = file != null ? (ObjectNode) Yaml.read(file) : AssetYaml.datastoreView(current);
            for (String member : List.of("id", "is_default")) {
                view.remove(member);
            }
            for (String assignment : set == null ? List.<String>of() : set) {
                int eq = assignment.indexOf('=');
                if (eq <= 0) {
                    throw new CliError("--set takes path=value; '" + assignment + "' has no '='.", 1);
                }
                setPath(view, assignment.substring(0, eq), assignment.substring(eq + 1));
            }
            String currentType = current.path("properties").path("credentials").path("credentialsType").asText(null);
            return AssetYaml.datastoreView(ops.createOrUpdate(name, AssetYaml.datastoreProperties(view, currentType)));
        }

        private static void setPath(ObjectNode node, String path, String value) {
            String[] parts = path.split("\\.");
            ObjectNode current = node;
            for (int i = 0; i < parts.length - 1; i++) {
                current = current.path(parts[i]).isObject() ? (ObjectNode) current.get(parts[i]) : current.putObject(parts[i]);
            }
            String last = parts[parts.length - 1];
            if (value.equals("true") || value.equals("false")) {
                current.put(last, Boolean.parseBoolean(value));
            } else {
                current.put(last, value);
            }
        }
    }

    @Command(name = "delete", description = "Unregister a datastore (its data stays where it is).")
    static final class Delete extends DatastoreLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Name.")
        String name;

        @Override
        JsonNode run(Session session) {
            datastores(session).delete(name);
            return null;
        }
    }
}
