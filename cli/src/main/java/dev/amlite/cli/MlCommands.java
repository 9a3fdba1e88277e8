package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amlite ml …}: Azure Machine Learning (az ml v2): workspaces, connections, datastores and assets. */
@Command(name = "ml", description = "Manage Azure Machine Learning resources.")
final class MlCommands {
    /**
     * The command groups under {@code ml}, in the order help lists them. Not in the annotation: {@link Main} gives
     * picocli only the group an invocation names, as it does for the top-level groups (building all eleven took
     * ~180 ms of every ml command).
     */
    static final Map<String, Class<?>> GROUPS = groups();

    private static Map<String, Class<?>> groups() {
        Map<String, Class<?>> groups = new LinkedHashMap<>();
        groups.put("workspace", Workspace.class);
        groups.put("connection", Connection.class);
        groups.put("datastore", MlDatastoreCommands.class);
        groups.put("model", MlAssetCommands.Model.class);
        groups.put("environment", MlAssetCommands.Environment.class);
        groups.put("code", MlAssetCommands.Code.class);
        groups.put("data", MlAssetCommands.Data.class);
        groups.put("online-endpoint", MlEndpointCommands.OnlineEndpoint.class);
        groups.put("online-deployment", MlEndpointCommands.OnlineDeployment.class);
        groups.put("compute", MlComputeCommands.Compute.class);
        groups.put("job", MlJobCommands.Job.class);
        return Collections.unmodifiableMap(groups);
    }

    static final String ML_API = "2024-04-01";
    static final List<Column> WORKSPACE_COLUMNS = List.of(Column.of("Name", "name"), Column.of("Location", "location"),
            Column.of("ResourceGroup", "resource_group"), Column.of("DisplayName", "display_name"),
            Column.of("PublicNetworkAccess", "public_network_access"));
    /** The members of the azureml workspace YAML schema and the ARM property each becomes. */
    static final Map<String, String> YAML_PROPERTIES = Map.ofEntries(
            Map.entry("display_name", "friendlyName"), Map.entry("description", "description"),
            Map.entry("storage_account", "storageAccount"), Map.entry("container_registry", "containerRegistry"),
            Map.entry("key_vault", "keyVault"), Map.entry("application_insights", "applicationInsights"),
            Map.entry("image_build_compute", "imageBuildCompute"), Map.entry("public_network_access", "publicNetworkAccess"),
            Map.entry("hbi_workspace", "hbiWorkspace"),
            Map.entry("primary_user_assigned_identity", "primaryUserAssignedIdentity"),
            Map.entry("system_datastores_auth_mode", "systemDatastoresAuthMode"));
    static final Set<String> YAML_OTHER = Set.of("$schema", "name", "location", "tags", "customer_managed_key", "identity");

    static String workspacePath(Session session, String group, String name) {
        return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group)
                + "/providers/Microsoft.MachineLearningServices/workspaces/" + name;
    }

    /** How many items a list with {@code --max-results} shows: all without it; fewer than one is refused. */
    static int maxResults(Integer given) {
        if (given == null) {
            return Integer.MAX_VALUE;
        }
        if (given < 1) {
            throw new CliError("--max-results must be at least 1; " + given + " was given. Leave it out to list all.");
        }
        return given;
    }

    /** Azure's listViewType for a list's {@code --include-archived} and {@code --archived-only}: at most one. */
    static String listViewType(boolean includeArchived, boolean archivedOnly) {
        if (includeArchived && archivedOnly) {
            throw new CliError("--include-archived and --archived-only cannot be used together: give one (archived "
                    + "and active ones, or archived ones only), or neither for active ones only.", 2);
        }
        return archivedOnly ? "ArchivedOnly" : includeArchived ? "All" : "ActiveOnly";
    }

    static String workspaceName(Session session, String given) {
        if (given != null) {
            return given;
        }
        return session.defaultValue("workspace").orElseThrow(() -> new CliError(
                "the following arguments are required: --name/-n (or set a default with 'amlite configure --defaults "
                        + "workspace=<name>')"));
    }

    /** az ml's view of a workspace: snake_case, with what seed 001 shows. */
    static ObjectNode view(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("id", arm.path("id").asText());
        view.put("location", arm.path("location").asText());
        String id = arm.path("id").asText();
        String[] parts = id.split("/");
        view.put("resource_group", parts.length > 4 ? parts[4] : null);
        view.put("display_name", p.path("friendlyName").asText(null));
        view.put("description", p.path("description").asText(""));
        view.put("creation_time", p.path("creationTime").asText(null));
        view.put("workspace_id", p.path("workspaceId").asText(null));
        ObjectNode identity = view.putObject("identity");
        identity.put("type", arm.path("identity").path("type").asText(null));
        identity.put("principal_id", arm.path("identity").path("principalId").asText(null));
        identity.put("tenant_id", arm.path("identity").path("tenantId").asText(null));
        view.put("storage_account", p.path("storageAccount").asText(null));
        view.put("key_vault", p.path("keyVault").asText(null));
        view.put("application_insights", p.path("applicationInsights").asText(null));
        view.set("container_registry", p.path("containerRegistry").isTextual() ? p.get("containerRegistry") : null);
        view.put("hbi_workspace", p.path("hbiWorkspace").asBoolean(false));
        view.put("image_build_compute", p.path("imageBuildCompute").asText(null));
        view.put("public_network_access", p.path("publicNetworkAccess").asText(null));
        view.put("primary_user_assigned_identity", p.path("primaryUserAssignedIdentity").asText(null));
        view.put("system_datastores_auth_mode", p.path("systemDatastoresAuthMode").asText(null));
        if ("Enabled".equals(p.path("encryption").path("status").asText())) {
            view.putObject("customer_managed_key")
                    .put("key_vault", p.path("encryption").path("keyVaultProperties").path("keyVaultArmId").asText())
                    .put("key_uri", p.path("encryption").path("keyVaultProperties").path("keyIdentifier").asText());
            view.put("service_provisioned_resource_group", p.path("serviceProvisionedResourceGroup").asText(null));
        }
        view.put("mlflow_tracking_uri", p.path("mlFlowTrackingUri").asText(null));
        view.put("discovery_url", p.path("discoveryUrl").asText(null));
        ArrayNode connections = view.putArray("private_endpoint_connections");
        for (JsonNode connection : p.path("privateEndpointConnections")) {
            connections.addObject().put("name", connection.path("name").asText())
                    .put("id", connection.path("id").asText())
                    .put("private_endpoint", connection.path("properties").path("privateEndpoint").path("id").asText())
                    .put("status", connection.path("properties").path("privateLinkServiceConnectionState").path("status").asText());
        }
        view.set("tags", arm.path("tags").isObject() ? arm.get("tags") : Json.object());
        return view;
    }

    /** Turns the azureml workspace YAML into an ARM body; unknown members are refused with the allowed list. */
    static ObjectNode fromYaml(JsonNode yaml) {
        ObjectNode body = Json.object();
        ObjectNode properties = body.putObject("properties");
        Iterator<String> names = yaml.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!YAML_PROPERTIES.containsKey(name) && !YAML_OTHER.contains(name)) {
                List<String> allowed = new ArrayList<>(YAML_PROPERTIES.keySet());
                allowed.addAll(YAML_OTHER);
                allowed.sort(String::compareTo);
                throw new CliError("The workspace YAML has an unknown field '" + name + "'. Allowed fields: "
                        + String.join(", ", allowed) + ".", 1);
            }
        }
        YAML_PROPERTIES.forEach((yamlName, property) -> {
            if (yaml.hasNonNull(yamlName)) {
                properties.set(property, yaml.get(yamlName));
            }
        });
        if (yaml.hasNonNull("location")) {
            body.put("location", yaml.path("location").asText());
        }
        if (yaml.has("tags")) {
            body.set("tags", yaml.get("tags"));
        }
        JsonNode cmk = yaml.path("customer_managed_key");
        if (cmk.isObject()) {
            ObjectNode encryption = properties.putObject("encryption");
            encryption.put("status", "Enabled");
            encryption.putObject("keyVaultProperties").put("keyVaultArmId", cmk.path("key_vault").asText(null))
                    .put("keyIdentifier", cmk.path("key_uri").asText(null));
        }
        if (yaml.path("identity").isObject()) {
            ObjectNode identity = body.putObject("identity");
            identity.put("type", yaml.path("identity").path("type").asText("system_assigned")
                    .replace("system_assigned", "SystemAssigned").replace("user_assigned", "UserAssigned"));
        }
        return body;
    }

    @Command(name = "workspace", description = "Manage Azure ML workspaces.",
            subcommands = {Create.class, Show.class, ListCommand.class, Update.class, Delete.class, ListKeys.class,
                    SyncKeys.class, Diagnose.class})
    static final class Workspace {
    }

    abstract static class WorkspaceLeaf extends Leaf {
        @Option(names = {"-n", "--name"}, description = "Name of the workspace.")
        String name;

        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String path(Session session) {
            return workspacePath(session, group, workspaceName(session, name));
        }
    }

    @Command(name = "create", description = "Create a workspace; missing storage, key vault and insights are created.")
    static final class Create extends WorkspaceLeaf {
        @Option(names = {"-f", "--file"}, description = "Workspace YAML (azureml workspace schema).")
        Path file;
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;
        @Mixin
        WorkspaceSettings settings;
        @Option(names = "--storage-account", description = "Existing storage account id.")
        String storage;
        @Option(names = "--key-vault", description = "Existing key vault id.")
        String keyVault;
        @Option(names = "--system-datastores-auth-mode", description = "accessKey or identity.")
        String authMode;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            ObjectNode body = fromYaml(yaml);
            String workspace = name != null ? name : yaml.path("name").asText(null);
            if (workspace == null) {
                throw new CliError("the following arguments are required: --name/-n (or 'name' in --file)");
            }
            if (location != null) {
                body.put("location", location);
            }
            ObjectNode properties = settings.apply(body);
            put(properties, "storageAccount", storage);
            put(properties, "keyVault", keyVault);
            put(properties, "systemDatastoresAuthMode", authMode);
            return view(session.send("PUT", workspacePath(session, group, workspace), ML_API, body));
        }
    }

    /** The settings create and update share; given options override the YAML's. */
    static final class WorkspaceSettings {
        @Option(names = "--display-name", description = "Display name.")
        String displayName;
        @Option(names = "--description", description = "Description.")
        String description;
        @Option(names = "--tags", arity = "0..*", description = "Space-separated tags, replacing all: key[=value] ...")
        List<String> tags;
        @Option(names = "--image-build-compute", description = "Compute to build images on.")
        String imageBuildCompute;
        @Option(names = "--public-network-access", description = "Enabled or Disabled.")
        String publicNetworkAccess;
        @Option(names = "--container-registry", description = "Container registry to use (resource id).")
        String registry;
        @Option(names = "--application-insights", description = "Application Insights to use (resource id).")
        String insights;
        @Option(names = "--primary-user-assigned-identity", description = "User-assigned identity id.")
        String identity;
        @Option(names = "--hbi-workspace", arity = "1", description = "High business impact; set only at creation.")
        Boolean hbi;

        /** Writes the given settings into an ARM body and returns its properties object. */
        ObjectNode apply(ObjectNode body) {
            ObjectNode properties = body.has("properties") ? (ObjectNode) body.get("properties") : body.putObject("properties");
            if (tags != null) {
                body.set("tags", Tags.parse(tags));
            }
            put(properties, "friendlyName", displayName);
            put(properties, "description", description);
            put(properties, "imageBuildCompute", imageBuildCompute);
            put(properties, "publicNetworkAccess", publicNetworkAccess);
            put(properties, "containerRegistry", registry);
            put(properties, "applicationInsights", insights);
            put(properties, "primaryUserAssignedIdentity", identity);
            if (hbi != null) {
                properties.put("hbiWorkspace", hbi);
            }
            return properties;
        }
    }

    static void put(ObjectNode node, String member, String value) {
        if (value != null) {
            node.put(member, value);
        }
    }

    @Command(name = "show", description = "Show a workspace.")
    static final class Show extends WorkspaceLeaf {
        @Override
        JsonNode run(Session session) {
            return view(session.send("GET", path(session), ML_API, null));
        }
    }

    @Command(name = "list", description = "List workspaces of a group, or of the subscription without -g.")
    static final class ListCommand extends Leaf {
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        @Override
        JsonNode run(Session session) {
            String scope = "/subscriptions/" + session.subscriptionId()
                    + (group == null ? "" : "/resourceGroups/" + group);
            ArrayNode result = Json.MAPPER.createArrayNode();
            session.send("GET", scope + "/providers/Microsoft.MachineLearningServices/workspaces", ML_API, null)
                    .path("value").forEach(ws -> result.add(view(ws)));
            return result;
        }

        @Override
        List<Column> columns() {
            return WORKSPACE_COLUMNS;
        }
    }

    @Command(name = "update", description = "Update a workspace.")
    static final class Update extends WorkspaceLeaf {
        @Mixin
        WorkspaceSettings settings;
        @Option(names = "--key-uri", description = "Rotate the customer-managed key to this key URI (same vault).")
        String keyUri;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = settings.apply(body);
            if (keyUri != null) {
                properties.putObject("encryption").put("status", "Enabled").putObject("keyVaultProperties")
                        .put("keyIdentifier", keyUri);
            }
            return view(session.send("PATCH", path(session), ML_API, body));
        }
    }

    @Command(name = "delete", description = "Delete a workspace (soft delete unless --permanently-delete).")
    static final class Delete extends WorkspaceLeaf {
        @Option(names = {"-y", "--yes"}, description = "Do not prompt for confirmation.")
        boolean yes;
        @Option(names = "--permanently-delete", description = "Purge now instead of soft-deleting.")
        boolean purge;
        @Option(names = "--all-resources", description = "Also delete the storage account, key vault, insights and "
                + "registry (with --permanently-delete only: a soft-deleted workspace needs them to be recovered).")
        boolean allResources;
        @Option(names = "--no-wait", description = "Do not wait for the deletion to finish.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            if (allResources && !purge) {
                // As Azure's: dependent resources go only with a workspace deleted for good.
                throw new CliError("--all-resources needs --permanently-delete: a soft-deleted workspace keeps its "
                        + "storage account and key vault, which its recovery needs.", 2);
            }
            String path = path(session);
            Confirm.require(yes, "Deleting workspace '" + workspaceName(session, name) + "'"
                    + (allResources ? " and its dependent resources" : "") + (purge ? " permanently" : "") + ".");
            List<String> dependents = new ArrayList<>();
            if (allResources) {
                JsonNode properties = session.send("GET", path, ML_API, null).path("properties");
                for (String member : List.of("storageAccount", "keyVault", "applicationInsights", "containerRegistry")) {
                    if (properties.path(member).isTextual()) {
                        dependents.add(properties.path(member).asText());
                    }
                }
            }
            session.arm().send("DELETE", path, ML_API, purge ? Map.of("forceToPurge", "true") : Map.of(), null);
            for (String dependent : dependents) {
                String api = dependent.toLowerCase().contains("microsoft.insights") ? "2020-02-02" : "2023-07-01";
                try {
                    session.send("DELETE", dependent, api, null);
                } catch (AmliteException e) {
                    session.warn("Could not delete " + dependent + ": " + e.getMessage());
                }
            }
            return null;
        }
    }

    @Command(name = "list-keys", description = "List the keys of the workspace's dependent resources.")
    static final class ListKeys extends WorkspaceLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("POST", path(session) + "/listKeys", ML_API, null);
        }
    }

    @Command(name = "sync-keys", description = "Make the workspace pick up regenerated keys now.")
    static final class SyncKeys extends WorkspaceLeaf {
        @Override
        JsonNode run(Session session) {
            session.send("POST", path(session) + "/resyncKeys", ML_API, null);
            return null;
        }
    }

    @Command(name = "diagnose", description = "Diagnose problems with the workspace's setup.")
    static final class Diagnose extends WorkspaceLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("POST", path(session) + "/diagnose", ML_API, Json.object().putObject("value")).path("value");
        }
    }

    // --- connections (WS-9)

    @Command(name = "connection", description = "Manage workspace connections.",
            subcommands = {ConnectionCreate.class, ConnectionShow.class, ConnectionList.class, ConnectionDelete.class})
    static final class Connection {
    }

    abstract static class ConnectionLeaf extends Leaf {
        @Option(names = {"-w", "--workspace-name"}, description = "Workspace.")
        String workspace;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String base(Session session) {
            return workspacePath(session, group, workspace != null ? workspace : session.defaultValue("workspace")
                    .orElseThrow(() -> new CliError("the following arguments are required: --workspace-name/-w")))
                    + "/connections";
        }
    }

    @Command(name = "create", description = "Create or update a connection (from --file YAML or options).")
    static final class ConnectionCreate extends ConnectionLeaf {
        @Option(names = {"-n", "--name"}, description = "Connection name.")
        String name;
        @Option(names = {"-f", "--file"}, description = "Connection YAML: name, type, target, credentials.")
        Path file;
        @Option(names = "--category", description = "Category (alias of YAML type), e.g. git, python_feed, api_key.")
        String category;
        @Option(names = "--target", description = "What it connects to.")
        String target;
        @Option(names = "--auth-type", description = "None, PAT, UsernamePassword, ApiKey, ...")
        String authType;
        @Option(names = "--credentials", description = "Credentials as JSON, e.g. {\"pat\":\"...\"}.")
        String credentials;
        @Option(names = "--value", description = "Seed 003's JSON value of the connection.")
        String value;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            String connection = name != null ? name : yaml.path("name").asText(null);
            if (connection == null) {
                throw new CliError("the following arguments are required: --name/-n (or 'name' in --file)");
            }
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            properties.put("category", category(category != null ? category : yaml.path("type").asText(null)));
            properties.put("target", target != null ? target : yaml.path("target").asText(null));
            JsonNode yamlCredentials = yaml.path("credentials");
            JsonNode given = credentials != null ? Json.parse(credentials) : yamlCredentials;
            String auth = authType != null ? authType : yamlCredentials.path("type").asText(null);
            properties.put("authType", auth == null ? (given.isObject() ? guessAuth(given) : "None") : authName(auth));
            if (given.isObject()) {
                ObjectNode copy = ((ObjectNode) given).deepCopy();
                copy.remove("type");
                properties.set("credentials", copy);
            }
            if (value != null) {
                properties.put("value", value);
                properties.put("valueFormat", "JSON");
            }
            return session.send("PUT", base(session) + "/" + connection, ML_API, body);
        }

        private static String category(String type) {
            if (type == null) {
                return null;
            }
            StringBuilder camel = new StringBuilder();
            for (String part : type.split("_")) {
                camel.append(part.isEmpty() ? "" : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return camel.toString();
        }

        private static String authName(String type) {
            return switch (type.toLowerCase().replace("_", "")) {
                case "pat" -> "PAT";
                case "usernamepassword" -> "UsernamePassword";
                case "apikey" -> "ApiKey";
                case "sas" -> "SAS";
                case "serviceprincipal" -> "ServicePrincipal";
                case "accesskey" -> "AccessKey";
                case "managedidentity" -> "ManagedIdentity";
                case "customkeys" -> "CustomKeys";
                case "none" -> "None";
                default -> type;
            };
        }

        private static String guessAuth(JsonNode credentials) {
            if (credentials.has("pat")) {
                return "PAT";
            }
            if (credentials.has("username")) {
                return "UsernamePassword";
            }
            if (credentials.has("key")) {
                return "ApiKey";
            }
            return "None";
        }
    }

    @Command(name = "show", description = "Show a connection (never its secrets).")
    static final class ConnectionShow extends ConnectionLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Connection name.")
        String name;
        @Option(names = "--show-secrets", description = "Include the credentials (needs listsecrets permission).")
        boolean secrets;

        @Override
        JsonNode run(Session session) {
            return secrets ? session.send("POST", base(session) + "/" + name + "/listsecrets", ML_API, null)
                    : session.send("GET", base(session) + "/" + name, ML_API, null);
        }
    }

    @Command(name = "list", description = "List connections, optionally of one category or target.")
    static final class ConnectionList extends ConnectionLeaf {
        @Option(names = "--category", description = "Only this category.")
        String category;
        @Option(names = "--target", description = "Only this target.")
        String target;

        @Override
        JsonNode run(Session session) {
            Map<String, String> query = new java.util.HashMap<>();
            if (category != null) {
                query.put("category", ConnectionCreate.category(category));
            }
            if (target != null) {
                query.put("target", target);
            }
            return session.send("GET", base(session), ML_API, query, null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Category", "properties.category"),
                    Column.of("Target", "properties.target"), Column.of("AuthType", "properties.authType"));
        }
    }

    @Command(name = "delete", description = "Delete a connection and its secret.")
    static final class ConnectionDelete extends ConnectionLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Connection name.")
        String name;

        @Override
        JsonNode run(Session session) {
            session.send("DELETE", base(session) + "/" + name, ML_API, null);
            return null;
        }
    }
}
