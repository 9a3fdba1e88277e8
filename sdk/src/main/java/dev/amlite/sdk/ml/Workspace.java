package dev.amlite.sdk.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteClient;
import dev.amlite.sdk.AmliteClientBuilder;
import dev.amlite.sdk.AmliteException;
import dev.amlite.sdk.CliCredential;
import dev.amlite.sdk.HttpTransport;
import dev.amlite.sdk.Profile;
import dev.amlite.sdk.ProfileStore;
import dev.amlite.sdk.TokenClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * An Azure Machine Learning workspace (seed 003's {@code Workspace} class, SDK-1): static {@link #create},
 * {@link #get}, {@link #list}, {@link #fromConfig}; and on an instance {@link #writeConfig}, {@link #getDetails},
 * {@link #update}, {@link #delete}, keys, connections, private endpoints, the default key vault and the MLflow
 * tracking URI; its datastores, models, environments, code and data. Methods of seed 003 that need computes or
 * runs (compute targets, {@code get_run}) arrive with those features.
 */
public final class Workspace {
    public static final String DEFAULT_CPU_CLUSTER_NAME = "cpu-cluster";
    public static final String DEFAULT_GPU_CLUSTER_NAME = "gpu-cluster";
    static final String API = "2024-04-01";
    private final AmliteClient client;
    private final JsonNode document;

    private Workspace(AmliteClient client, JsonNode document) {
        this.client = client;
        this.document = document;
    }

    // --- static methods of seed 003

    /** Creates a workspace and waits for it; fails when it exists unless {@code existOk}. */
    public static Workspace create(AmliteClient client, WorkspaceOptions options) {
        return beginCreate(client, options).waitForCompletion();
    }

    public static Poller<Workspace> beginCreate(AmliteClient client, WorkspaceOptions options) {
        String group = options.resourceGroup() != null ? options.resourceGroup() : options.name() + "-rg";
        if (client.getResourceGroup(group).isEmpty()) {
            if (!options.createsResourceGroup() || options.location() == null) {
                throw new IllegalArgumentException("Resource group '" + group + "' does not exist. Create it, or set "
                        + "createResourceGroup(true) and a location.");
            }
            client.createOrUpdateResourceGroup(group, options.location(), Map.of());
        }
        String path = path(client.subscriptionId(), group, options.name());
        Optional<JsonNode> existing = find(client, path);
        if (existing.isPresent()) {
            if (options.existOk()) {
                return new Poller<>(() -> new Workspace(client, existing.get()));
            }
            throw new IllegalStateException("Workspace '" + options.name() + "' already exists in resource group '"
                    + group + "'. Use existOk(true) to get it, or Workspace.get.");
        }
        var started = client.arm().send("PUT", path, API, Map.of(), options.body());
        return new Poller<>(() -> {
            client.arm().waitForCompletion(started, () -> { });
            return new Workspace(client, client.arm().get(path, API));
        });
    }

    /** Seed 003's {@code setup}: the workspace if it exists, else a new one. */
    public static Workspace setup(AmliteClient client, WorkspaceOptions options) {
        return create(client, options.existOk(true));
    }

    /** The workspace named {@code name}; without a group, searches the subscription (fails if two match). */
    public static Workspace get(AmliteClient client, String name, String resourceGroup) {
        if (resourceGroup != null) {
            return new Workspace(client, client.arm().get(path(client.subscriptionId(), resourceGroup, name), API));
        }
        List<Workspace> matches = list(client, null).getOrDefault(name, List.of());
        if (matches.size() != 1) {
            throw new IllegalArgumentException(matches.isEmpty() ? "No workspace named '" + name + "' in subscription "
                    + client.subscriptionId() + "." : "Workspace name '" + name + "' is in " + matches.size()
                    + " resource groups; give the resource group.");
        }
        return matches.getFirst();
    }

    /** Workspaces of the subscription (or one group) by name, as seed 003's {@code list}. */
    public static Map<String, List<Workspace>> list(AmliteClient client, String resourceGroup) {
        String scope = "/subscriptions/" + client.subscriptionId() + (resourceGroup == null ? "" : "/resourceGroups/" + resourceGroup);
        Map<String, List<Workspace>> result = new LinkedHashMap<>();
        for (JsonNode ws : client.arm().get(scope + "/providers/Microsoft.MachineLearningServices/workspaces", API).path("value")) {
            result.computeIfAbsent(ws.path("name").asText(), k -> new ArrayList<>()).add(new Workspace(client, ws));
        }
        return result;
    }

    /**
     * Reads {@code .azureml/config.json} (or {@code config.json}) from {@code start} or the nearest parent
     * directory that has one, and returns its workspace; fails clearly when none is found. The client's endpoint
     * and credential are used; the subscription comes from the file.
     */
    public static Workspace fromConfig(Path start, AmliteClientBuilder builder) {
        Path file = findConfig(start == null ? Path.of("").toAbsolutePath() : start.toAbsolutePath());
        JsonNode config;
        try {
            config = Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        for (String member : List.of("subscription_id", "resource_group", "workspace_name")) {
            if (!config.path(member).isTextual()) {
                throw new IllegalArgumentException("The workspace config " + file + " has no '" + member
                        + "'. It needs subscription_id, resource_group and workspace_name (Workspace.writeConfig writes them).");
            }
        }
        AmliteClient client = builder.subscriptionId(config.path("subscription_id").asText()).buildClient();
        return get(client, config.path("workspace_name").asText(), config.path("resource_group").asText());
    }

    /** {@link #fromConfig(Path, AmliteClientBuilder)} with the login of {@code amlite login} (the CLI's credential). */
    public static Workspace fromConfig(Path start) {
        ProfileStore store = ProfileStore.fromEnvironment();
        Profile profile = store.load().orElseThrow(() -> new IllegalStateException(
                "Not logged in: run 'amlite login' first, or pass an AmliteClientBuilder with a credential."));
        var http = HttpTransport.client(profile.caFile() == null ? null : Path.of(profile.caFile()));
        AmliteClientBuilder builder = new AmliteClientBuilder().endpoint(profile.server()).httpClient(http)
                .credential(new CliCredential(store, profile, new TokenClient(http, profile.server())));
        return fromConfig(start, builder);
    }

    static Path findConfig(Path start) {
        if (Files.isRegularFile(start)) {
            return start;
        }
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve(".azureml").resolve("config.json"), dir.resolve("config.json"))) {
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("No workspace config found in " + start + " or any parent directory. Looked "
                + "for .azureml/config.json and config.json; write one with Workspace.writeConfig().");
    }

    // --- instance methods

    /** Writes {@code subscription_id}, {@code resource_group} and {@code workspace_name} (default .azureml/config.json). */
    public Path writeConfig(Path directory, String fileName) {
        Path dir = directory != null ? directory : Path.of(".azureml");
        Path file = dir.resolve(fileName != null ? fileName : "config.json");
        ObjectNode config = Json.object();
        config.put("subscription_id", subscriptionId());
        config.put("resource_group", resourceGroup());
        config.put("workspace_name", name());
        try {
            Files.createDirectories(dir);
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    public Path writeConfig() {
        return writeConfig(null, null);
    }

    /** The details of seed 003's get_details, with its key names. */
    public Map<String, Object> getDetails() {
        JsonNode p = document.path("properties");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("id", id());
        details.put("name", name());
        details.put("location", location());
        details.put("type", document.path("type").asText());
        details.put("tags", tags());
        details.put("workspaceid", p.path("workspaceId").asText(null));
        details.put("description", p.path("description").asText(null));
        details.put("friendlyName", p.path("friendlyName").asText(null));
        details.put("creationTime", p.path("creationTime").asText(null));
        details.put("containerRegistry", p.path("containerRegistry").asText(null));
        details.put("keyVault", p.path("keyVault").asText(null));
        details.put("applicationInsights", p.path("applicationInsights").asText(null));
        details.put("identityPrincipalId", document.path("identity").path("principalId").asText(null));
        details.put("identityTenantId", document.path("identity").path("tenantId").asText(null));
        details.put("identityType", document.path("identity").path("type").asText(null));
        details.put("storageAccount", p.path("storageAccount").asText(null));
        details.put("sku", sku());
        details.put("resourceCmkUri", p.path("encryption").path("keyVaultProperties").path("keyIdentifier").asText(null));
        details.put("hbiWorkspace", p.path("hbiWorkspace").asBoolean(false));
        details.put("imageBuildCompute", p.path("imageBuildCompute").asText(null));
        details.put("systemDatastoresAuthMode", p.path("systemDatastoresAuthMode").asText(null));
        return details;
    }

    /** Updates what seed 003's update takes; returns the updated workspace. */
    public Workspace update(WorkspaceOptions changes) {
        ObjectNode body = changes.body();
        body.remove("location");
        return new Workspace(client, client.arm().send("PATCH", id(), API, Map.of(), body).body());
    }

    /** Replaces the container registry (seed 003's update_dependencies). */
    public Workspace updateDependencies(String containerRegistry) {
        return update(WorkspaceOptions.named(name()).containerRegistry(containerRegistry));
    }

    /**
     * Soft delete (or purge with {@code permanently}); with {@code permanently} only, the dependent resources too: a
     * soft-deleted workspace needs them to be recovered (as on Azure).
     */
    public void delete(boolean deleteDependentResources, boolean permanently) {
        if (deleteDependentResources && !permanently) {
            throw new IllegalArgumentException("Deleting the dependent resources needs a permanent delete: a "
                    + "soft-deleted workspace keeps its storage account and key vault, which its recovery needs.");
        }
        List<String> dependents = new ArrayList<>();
        if (deleteDependentResources) {
            for (String member : List.of("storageAccount", "keyVault", "applicationInsights", "containerRegistry")) {
                if (document.path("properties").path(member).isTextual()) {
                    dependents.add(document.path("properties").path(member).asText());
                }
            }
        }
        client.arm().send("DELETE", id(), API, permanently ? Map.of("forceToPurge", "true") : Map.of(), null);
        for (String dependent : dependents) {
            client.arm().send("DELETE", dependent, dependent.toLowerCase().contains("microsoft.insights")
                    ? "2020-02-02" : "2023-07-01", Map.of(), null);
        }
    }

    public JsonNode listKeys() {
        return client.arm().send("POST", id() + "/listKeys", API, Map.of(), null).body();
    }

    public void syncKeys() {
        client.arm().send("POST", id() + "/resyncKeys", API, Map.of(), null);
    }

    /** Azure's DiagnoseResponseResult value: findings grouped by area, each with code, level and message. */
    public JsonNode diagnoseWorkspace() {
        return client.arm().send("POST", id() + "/diagnose", API, Map.of(), Json.object().putObject("value")).body()
                .path("value");
    }

    /** Adds or updates a connection (seed 003's set_connection); {@code value} is the connection's JSON details. */
    public JsonNode setConnection(String name, String category, String target, String authType, String value) {
        ObjectNode body = Json.object();
        ObjectNode properties = body.putObject("properties");
        properties.put("category", category);
        properties.put("target", target);
        properties.put("authType", authType);
        properties.put("value", value);
        properties.put("valueFormat", "JSON");
        return client.arm().send("PUT", id() + "/connections/" + name, API, Map.of(), body).body();
    }

    /** A connection without its secret part. */
    public JsonNode getConnection(String name) {
        return client.arm().get(id() + "/connections/" + name, API);
    }

    /** A connection with its secret part (the caller needs the listsecrets action). */
    public JsonNode getConnectionWithSecrets(String name) {
        return client.arm().send("POST", id() + "/connections/" + name + "/listsecrets", API, Map.of(), null).body();
    }

    public List<JsonNode> listConnections(String category, String target) {
        Map<String, String> query = new LinkedHashMap<>();
        if (category != null) {
            query.put("category", category);
        }
        if (target != null) {
            query.put("target", target);
        }
        List<JsonNode> result = new ArrayList<>();
        client.arm().send("GET", id() + "/connections", API, query, null).body().path("value").forEach(result::add);
        return result;
    }

    public void deleteConnection(String name) {
        client.arm().send("DELETE", id() + "/connections/" + name, API, Map.of(), null);
    }

    /** Private endpoint connections by name (seed 003's private_endpoints). */
    public Map<String, JsonNode> privateEndpoints() {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        client.arm().get(id() + "/privateEndpointConnections", API).path("value")
                .forEach(c -> result.put(c.path("name").asText(), c));
        return result;
    }

    /**
     * Seed 003's {@code add_private_endpoint}: a private endpoint named {@code name} in {@code resourceGroup}'s
     * subnet {@code vnet}/{@code subnet}, connected to this workspace; approved at once with {@code autoApproval}
     * when the caller may approve, otherwise Pending until the owner approves.
     */
    public JsonNode addPrivateEndpoint(String name, String resourceGroup, String vnet, String subnet,
                                       boolean autoApproval, String location) {
        String group = "/subscriptions/" + subscriptionId() + "/resourceGroups/" + resourceGroup;
        ObjectNode body = Json.object();
        body.put("location", location != null ? location : location());
        ObjectNode properties = body.putObject("properties");
        properties.putObject("subnet").put("id", group + "/providers/Microsoft.Network/virtualNetworks/" + vnet
                + "/subnets/" + subnet);
        ObjectNode connection = properties.putArray(autoApproval ? "privateLinkServiceConnections"
                : "manualPrivateLinkServiceConnections").addObject();
        connection.put("name", name);
        connection.putObject("properties").put("privateLinkServiceId", id()).putArray("groupIds").add("amlworkspace");
        return client.arm().send("PUT", group + "/providers/Microsoft.Network/privateEndpoints/" + name, "2023-05-01",
                Map.of(), body).body();
    }

    public void deletePrivateEndpointConnection(String name) {
        client.arm().send("DELETE", id() + "/privateEndpointConnections/" + name, API, Map.of(), null);
    }

    public Keyvault getDefaultKeyvault() {
        return new Keyvault(client, document.path("properties").path("keyVault").asText());
    }

    // --- assets (AS-1 … AS-5)

    public AssetOperations models() {
        return AssetOperations.of(client.arm(), id(), "model");
    }

    public AssetOperations environments() {
        return AssetOperations.of(client.arm(), id(), "environment");
    }

    public AssetOperations codes() {
        return AssetOperations.of(client.arm(), id(), "code");
    }

    public AssetOperations data() {
        return AssetOperations.of(client.arm(), id(), "data");
    }

    public DatastoreOperations datastores() {
        return DatastoreOperations.of(client.arm(), id());
    }

    /** Seed 003's {@code get_default_datastore}: where uploads go. */
    public JsonNode getDefaultDatastore() {
        return datastores().getDefault();
    }

    /** Seed 003's {@code set_default_datastore}. */
    public void setDefaultDatastore(String name) {
        datastores().setDefault(name);
    }

    public String getMlflowTrackingUri() {
        return document.path("properties").path("mlFlowTrackingUri").asText(null);
    }

    /** Seed 003's {@code compute_targets}: the workspace's computes by name (ARM documents). */
    public java.util.Map<String, JsonNode> computeTargets() {
        java.util.Map<String, JsonNode> targets = new java.util.TreeMap<>();
        client.arm().get(id() + "/computes", API).path("value")
                .forEach(compute -> targets.put(compute.path("name").asText(), compute));
        return targets;
    }

    /**
     * Seed 003's {@code get_default_compute_target(type)}: the default CPU or GPU target, which is the compute named
     * {@code cpu-cluster} or {@code gpu-cluster} (SPEC WS-11); empty when the workspace has none of that name.
     */
    public java.util.Optional<JsonNode> getDefaultComputeTarget(String type) {
        String name = switch (type == null ? "" : type.toUpperCase(java.util.Locale.ROOT)) {
            case "CPU" -> DEFAULT_CPU_CLUSTER_NAME;
            case "GPU" -> DEFAULT_GPU_CLUSTER_NAME;
            default -> throw new IllegalArgumentException("The compute type must be 'CPU' or 'GPU'; got '" + type + "'.");
        };
        return java.util.Optional.ofNullable(computeTargets().get(name));
    }

    /**
     * Seed 003's {@code get_run}: a run tracked in this workspace (a job's run has the job's name as its id), from
     * the workspace's MLflow API with the client's token.
     */
    public Run getRun(String runId) {
        String uri = getMlflowTrackingUri() + "/api/2.0/mlflow/runs/get?run_id="
                + java.net.URLEncoder.encode(runId, java.nio.charset.StandardCharsets.UTF_8);
        return Run.of(client.arm().sendUrl("GET", uri, null).body().path("run"));
    }

    public String discoveryUrl() {
        return document.path("properties").path("discoveryUrl").asText(null);
    }

    public String id() {
        return document.path("id").asText();
    }

    public String name() {
        return document.path("name").asText();
    }

    public String location() {
        return document.path("location").asText();
    }

    public String resourceGroup() {
        return id().split("/")[4];
    }

    public String subscriptionId() {
        return id().split("/")[2];
    }

    public String sku() {
        return document.path("sku").path("name").asText("Basic");
    }

    public Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        document.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
    }

    /** The ARM document as the server returned it. */
    public JsonNode document() {
        return document;
    }

    private static String path(String subscription, String group, String name) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.MachineLearningServices/workspaces/" + name;
    }

    private static Optional<JsonNode> find(AmliteClient client, String path) {
        try {
            return Optional.of(client.arm().get(path, API));
        } catch (AmliteException e) {
            // A soft-deleted namesake is not "existing": creating it again recovers it.
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The workspace's key vault (seed 003's get_default_keyvault): secrets by name. */
    public static final class Keyvault {
        private static final String VAULT_API = "2023-07-01";
        private final AmliteClient client;
        private final String id;

        Keyvault(AmliteClient client, String id) {
            this.client = requireNonNull(client);
            this.id = requireNonNull(id);
        }

        public String id() {
            return id;
        }

        public void setSecret(String name, String value) {
            ObjectNode body = Json.object();
            body.putObject("properties").put("value", value);
            client.arm().send("PUT", id + "/secrets/" + name, VAULT_API, Map.of(), body);
        }

        public String getSecret(String name) {
            return client.arm().send("POST", id + "/secrets/" + name + "/getSecret", VAULT_API, Map.of(), null).body()
                    .path("value").asText();
        }

        public List<String> listSecrets() {
            List<String> names = new ArrayList<>();
            client.arm().get(id + "/secrets", VAULT_API).path("value").forEach(s -> names.add(s.path("name").asText()));
            return names;
        }

        public void deleteSecret(String name) {
            client.arm().send("DELETE", id + "/secrets/" + name, VAULT_API, Map.of(), null);
        }
    }
}
