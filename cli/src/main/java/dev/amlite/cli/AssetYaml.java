package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The azureml YAML schemas of assets and datastores, and az ml's snake_case views of them. Local paths in a
 * YAML file are relative to the file's folder.
 */
final class AssetYaml {
    static final Map<String, String> MODEL_TYPES = Map.of("custom_model", "CustomModel", "mlflow_model", "MLFlowModel",
            "triton_model", "TritonModel");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "endpoint", Set.of("$schema", "name", "auth_mode", "description", "tags", "traffic", "mirror_traffic",
                    "identity", "public_network_access", "kind", "properties", "location"),
            "deployment", Set.of("$schema", "name", "endpoint_name", "model", "code_configuration", "environment",
                    "instance_type", "instance_count", "environment_variables", "request_settings", "liveness_probe",
                    "readiness_probe", "scale_settings", "properties", "description", "tags", "app_insights_enabled",
                    "type", "egress_public_network_access", "data_collector"),
            "model", Set.of("$schema", "name", "version", "path", "type", "description", "tags", "properties", "stage", "flavors"),
            "environment", Set.of("$schema", "name", "version", "image", "conda_file", "build", "description", "tags",
                    "os_type", "inference_config", "properties"),
            "code", Set.of("$schema", "name", "version", "path", "description", "tags", "properties"),
            "data", Set.of("$schema", "name", "version", "path", "type", "description", "tags", "properties"),
            "datastore", Set.of("$schema", "name", "type", "description", "tags", "account_name", "container_name",
                    "file_share_name", "filesystem", "endpoint", "protocol", "credentials", "properties", "subscription_id",
                    "resource_group"));
    static final Map<String, String> DATASTORE_TYPES = Map.of("azure_blob", "AzureBlob", "azure_file", "AzureFile",
            "azure_data_lake_gen2", "AzureDataLakeGen2");

    private AssetYaml() {
    }

    /** The name given on the command line, else the YAML's; one of them is required. */
    static String name(String given, JsonNode yaml) {
        String name = given != null ? given : yaml == null ? null : yaml.path("name").asText(null);
        if (name == null) {
            throw new CliError("the following arguments are required: --name/-n (or 'name' in --file)");
        }
        return name;
    }

    /** Refuses members the schema does not have, naming the ones it does. */
    static void checkFields(String kind, JsonNode yaml) {
        Iterator<String> names = yaml.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.get(kind).contains(name)) {
                List<String> allowed = new ArrayList<>(FIELDS.get(kind));
                allowed.sort(String::compareTo);
                throw new CliError("The " + kind + " YAML has an unknown field '" + name + "'. Allowed fields: "
                        + String.join(", ", allowed) + ".", 1);
            }
        }
    }

    /** A path in a YAML file: datastore URIs and URLs as they are, local paths relative to the YAML's folder. */
    static boolean isRemote(String path) {
        return path.startsWith("azureml:") || path.matches("(?i)(https?|wasbs?|abfss?|adl)://.*");
    }

    static Path local(Path yamlFile, String path) {
        Path given = Path.of(path);
        Path resolved = given.isAbsolute() || yamlFile == null ? given : yamlFile.toAbsolutePath().getParent().resolve(given);
        if (!java.nio.file.Files.exists(resolved)) {
            throw new CliError("The path '" + path + "'" + (yamlFile == null ? "" : " (relative to " + yamlFile + ")")
                    + " does not exist.", 1);
        }
        return resolved.normalize();
    }

    /** The ARM properties every asset version has, from the YAML members of the same meaning. */
    static ObjectNode commonProperties(JsonNode yaml) {
        ObjectNode properties = Json.object();
        if (yaml.hasNonNull("description")) {
            properties.put("description", yaml.path("description").asText());
        }
        properties.set("tags", yaml.path("tags").isObject() ? yaml.get("tags") : Json.object());
        properties.set("properties", yaml.path("properties").isObject() ? yaml.get("properties") : Json.object());
        return properties;
    }

    /** az ml's view of an asset version. */
    static ObjectNode versionView(String kind, JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        String id = arm.path("id").asText();
        String[] parts = id.split("/");
        view.put("name", parts.length >= 3 ? parts[parts.length - 3] : arm.path("name").asText());
        view.put("version", arm.path("name").asText());
        view.put("id", id);
        view.put("description", p.path("description").asText(null));
        switch (kind) {
            case "model" -> {
                view.put("path", p.path("modelUri").asText(null));
                String type = p.path("modelType").asText("CustomModel");
                view.put("type", MODEL_TYPES.entrySet().stream().filter(e -> e.getValue().equals(type))
                        .map(Map.Entry::getKey).findFirst().orElse(type));
                view.put("stage", p.path("stage").asText(null));
            }
            case "environment" -> {
                view.put("image", p.path("image").asText(null));
                view.put("conda_file", p.path("condaFile").asText(null));
                if (p.path("build").isObject()) {
                    view.putObject("build").put("path", p.path("build").path("contextUri").asText(null))
                            .put("dockerfile_path", p.path("build").path("dockerfilePath").asText("Dockerfile"));
                }
                view.put("os_type", p.path("osType").asText(null).toLowerCase());
            }
            case "code" -> view.put("path", p.path("codeUri").asText(null));
            case "data" -> {
                view.put("path", p.path("dataUri").asText(null));
                view.put("type", p.path("dataType").asText(null));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        view.set("tags", p.path("tags").isObject() ? p.get("tags") : Json.object());
        view.set("properties", p.path("properties").isObject() ? p.get("properties") : Json.object());
        view.put("archived", p.path("isArchived").asBoolean(false));
        view.putObject("creation_context").put("created_at", arm.path("systemData").path("createdAt").asText(null))
                .put("created_by", arm.path("systemData").path("createdBy").asText(null));
        return view;
    }

    static ObjectNode containerView(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("latest_version", p.path("latestVersion").asText(null));
        view.put("description", p.path("description").asText(null));
        view.set("tags", p.path("tags").isObject() ? p.get("tags") : Json.object());
        view.put("archived", p.path("isArchived").asBoolean(false));
        if (p.has("dataType")) {
            view.put("type", p.path("dataType").asText());
        }
        return view;
    }

    /** az ml's view of a datastore: no secrets, ever (seed 003). */
    static ObjectNode datastoreView(JsonNode arm) {
        JsonNode p = arm.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("id", arm.path("id").asText());
        String type = p.path("datastoreType").asText();
        view.put("type", DATASTORE_TYPES.entrySet().stream().filter(e -> e.getValue().equals(type))
                .map(Map.Entry::getKey).findFirst().orElse(type));
        view.put("description", p.path("description").asText(null));
        view.put("account_name", p.path("accountName").asText(null));
        for (String[] member : new String[][] {{"containerName", "container_name"}, {"fileShareName", "file_share_name"},
                {"filesystem", "filesystem"}}) {
            if (p.has(member[0])) {
                view.put(member[1], p.path(member[0]).asText());
            }
        }
        view.put("endpoint", p.path("endpoint").asText(null));
        view.put("protocol", p.path("protocol").asText(null));
        if (p.hasNonNull("subscriptionId") || p.hasNonNull("resourceGroup")) {
            // Where the storage account lives (studio's "update authentication" fields; seed 000's moved workspace).
            view.put("subscription_id", p.path("subscriptionId").asText(null));
            view.put("resource_group", p.path("resourceGroup").asText(null));
        }
        view.put("is_default", p.path("isDefault").asBoolean(false));
        ObjectNode credentials = view.putObject("credentials");
        for (String member : List.of("clientId", "tenantId")) {
            if (p.path("credentials").has(member)) {
                credentials.put(member.equals("clientId") ? "client_id" : "tenant_id", p.path("credentials").path(member).asText());
            }
        }
        view.set("tags", p.path("tags").isObject() ? p.get("tags") : Json.object());
        return view;
    }

    /** ARM properties of a datastore from its YAML (or an updated view); credentials type follows the secrets given. */
    static ObjectNode datastoreProperties(JsonNode yaml, String currentCredentialsType) {
        checkFields("datastore", yaml);
        ObjectNode properties = Json.object();
        String type = yaml.path("type").asText("");
        if (!DATASTORE_TYPES.containsKey(type)) {
            throw new CliError("The datastore 'type' must be one of " + String.join(", ", DATASTORE_TYPES.keySet().stream()
                    .sorted().toList()) + "; '" + type + "' was given.", 1);
        }
        properties.put("datastoreType", DATASTORE_TYPES.get(type));
        properties.put("accountName", yaml.path("account_name").asText(null));
        if (yaml.has("container_name")) {
            properties.put("containerName", yaml.path("container_name").asText());
        }
        if (yaml.has("file_share_name")) {
            properties.put("fileShareName", yaml.path("file_share_name").asText());
        }
        if (yaml.has("filesystem")) {
            properties.put("filesystem", yaml.path("filesystem").asText());
        }
        properties.put("endpoint", yaml.path("endpoint").asText("core.windows.net"));
        properties.put("protocol", yaml.path("protocol").asText("https"));
        if (yaml.hasNonNull("subscription_id") || yaml.hasNonNull("resource_group")) {
            properties.put("subscriptionId", yaml.path("subscription_id").asText(null));
            properties.put("resourceGroup", yaml.path("resource_group").asText(null));
        }
        if (yaml.hasNonNull("description")) {
            properties.put("description", yaml.path("description").asText());
        }
        if (yaml.path("tags").isObject()) {
            properties.set("tags", yaml.get("tags"));
        }
        if (yaml.has("is_default")) {
            properties.put("isDefault", yaml.path("is_default").asBoolean());
        }
        JsonNode given = yaml.path("credentials");
        ObjectNode credentials = properties.putObject("credentials");
        if (given.hasNonNull("account_key")) {
            credentials.put("credentialsType", "AccountKey").putObject("secrets").put("secretsType", "AccountKey")
                    .put("key", given.path("account_key").asText());
        } else if (given.hasNonNull("sas_token")) {
            credentials.put("credentialsType", "Sas").putObject("secrets").put("secretsType", "Sas")
                    .put("sasToken", given.path("sas_token").asText());
        } else if (given.hasNonNull("client_secret")) {
            credentials.put("credentialsType", "ServicePrincipal").put("clientId", given.path("client_id").asText(null))
                    .put("tenantId", given.path("tenant_id").asText(null))
                    .putObject("secrets").put("secretsType", "ServicePrincipal")
                    .put("clientSecret", given.path("client_secret").asText());
        } else if (currentCredentialsType != null) {
            credentials.put("credentialsType", currentCredentialsType);
            for (String[] member : new String[][] {{"client_id", "clientId"}, {"tenant_id", "tenantId"}}) {
                if (given.has(member[0])) {
                    credentials.put(member[1], given.path(member[0]).asText());
                }
            }
        } else {
            credentials.put("credentialsType", "None");
        }
        return properties;
    }
}
